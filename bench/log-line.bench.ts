/**
 * `npm run bench:log`: what one access-log line costs to format, ours (hand-written, fixed key order) against
 * pino (configured to the same schema: ISO time, level label, msg) writing to a sink that keeps nothing.
 * The reason the access line is not written through pino (README, Logs).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { formatAccessLogLine, type AccessLogEntry } from '../apps/gateway/src/proxy/access-log';

const ENTRY: AccessLogEntry = {
  requestId: 'f1d2c7e0-1c3b-4b1a-9f7e-2d8c1e9a7b11', traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: '352bff9a74ca9ad2', clientAddress: '10.0.0.7',
  method: 'GET', path: '/api/orders/42', route: 'api', status: 200, durationMs: 1.234, bytesIn: 0, bytesOut: 1203, upstreamAddress: 'istio-ingressgateway:80', upstreamStatus: 200,
};
const WARM_UP = 50_000;
const LINES = 300_000;

function nanosPerLine(writeLine: () => void): number {
  for (let i = 0; i < WARM_UP; i += 1) writeLine();
  const started = process.hrtime.bigint();
  for (let i = 0; i < LINES; i += 1) writeLine();
  return Number(process.hrtime.bigint() - started) / LINES;
}

let bytes = 0;
const time = new Date().toISOString();
const ours = nanosPerLine(() => void (bytes += formatAccessLogLine(ENTRY, time).length));
const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => ((bytes += chunk.length), callback()) });
const logger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) }, messageKey: 'msg' }, sink);
const viaPino = nanosPerLine(() => logger.info(ENTRY, 'request'));
console.log(`Node ${process.version}: one access-log line, ours ${Math.round(ours)} ns, pino ${Math.round(viaPino)} ns (${(viaPino / ours).toFixed(1)}x); ${bytes} bytes formatted`);
