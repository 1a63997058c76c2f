import { connect } from 'node:net';
import { StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { eventually, metricSum } from './support/eventually';
import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send, sendRaw, statusOf } from './support/http-client';
import { ObservingUpstream } from './support/observing-upstream';

const MAX_HEADER_COUNT = 100;

/** The JSON error body of a raw answer. */
function jsonBodyOf(raw: string): Record<string, unknown> {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

/** The value of a header in a raw answer (first occurrence, case-insensitive). */
function headerOf(raw: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'im').exec(raw.slice(0, raw.indexOf('\r\n\r\n')))?.[1]?.trim();
}

/** Sends a request head announcing a body with `Expect: 100-continue`, and returns what came back before any body was sent. */
function headOnlyAnswer(port: number, head: string, waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const done = (): void => {
      socket.destroy();
      resolve(received);
    };
    socket.once('close', done);
    setTimeout(done, waitMs);
  });
}

describe('requests at the edge of HTTP (gateway process)', () => {
  let upstream: ObservingUpstream;
  let collector: StandInCollector;
  let gateway: GatewayProcess;
  let port: number;

  beforeAll(async () => {
    [upstream, collector] = await Promise.all([new ObservingUpstream().start(), StandInCollector.start()]);
    gateway = await startGateway(gatewayEnv({
      upstream,
      collector,
      routes: [
        { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' },
        { name: 'read-only', path: '/read-only', methods: ['GET'] },
      ],
    }));
    port = Number(new URL(gateway.url).port);
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([upstream.close(), collector.close()]);
  });

  const forwardedSince = (before: number): string[] => upstream.exchanges.slice(before).map((exchange) => `${exchange.method} ${exchange.url}`);

  describe('header blocks the parser would cut', () => {
    it.each([
      ['999 junk lines, then a Content-Length', 999],
      [`more header lines than maxHeaderCount (${MAX_HEADER_COUNT})`, MAX_HEADER_COUNT + 1],
    ])('should answer 431 to %s and forward nothing', async (_case, junkLines) => {
      const before = upstream.exchanges.length;
      const junk = Array.from({ length: junkLines }, (_, i) => `x-${i}: a\r\n`).join('');
      const answer = await sendRaw(port, `POST /api/sink HTTP/1.1\r\nHost: gw\r\n${junk}Content-Length: 5\r\n\r\nhello`);
      expect({ status: statusOf(answer), requestId: headerOf(answer, 'x-request-id') !== undefined, forwarded: forwardedSince(before) }).toEqual({ status: 431, requestId: true, forwarded: [] });
    });

    it('should forward a request with exactly maxHeaderCount header lines', async () => {
      const junk = Array.from({ length: MAX_HEADER_COUNT - 2 }, (_, i) => `x-${i}: a\r\n`).join('');
      const answer = await sendRaw(port, `GET /api/full HTTP/1.1\r\nHost: gw\r\n${junk}Connection: close\r\n\r\n`);
      expect(statusOf(answer)).toBe(200);
    });
  });

  describe('transfer codings', () => {
    it('should answer 400 to gzip before chunked and forward nothing (no body without its Content-Encoding)', async () => {
      const before = upstream.exchanges.length;
      const answer = await sendRaw(port, 'POST /api/sink HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
      expect({ status: statusOf(answer), body: jsonBodyOf(answer).error, connection: headerOf(answer, 'connection'), forwarded: forwardedSince(before) })
        .toEqual({ status: 400, body: 'unsupported_transfer_coding', connection: 'close', forwarded: [] });
    });
  });

  describe('every answer through the one error policy', () => {
    it.each([
      ['a malformed percent-encoding', 'GET /api/%zz HTTP/1.1', 400, 'bad_request_target'],
      ['OPTIONS *', 'OPTIONS * HTTP/1.1', 400, 'bad_request_target'],
    ])('should answer %s with our JSON, a request id, a metric and a log line', async (_case, requestLine, status, error) => {
      const requestId = `edge-${status}-${requestLine.length}`;
      const answer = await sendRaw(port, `${requestLine}\r\nHost: gw\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n`);
      const line = await eventually(() => gateway.jsonLines().find((entry) => entry.requestId === requestId), (found) => found !== undefined);
      expect({ status: statusOf(answer), body: jsonBodyOf(answer), requestIdHeader: headerOf(answer, 'x-request-id'), logged: line?.status })
        .toEqual({ status, body: { error, message: expect.any(String) as string, requestId }, requestIdHeader: requestId, logged: status });
    });

    it.each(['PURGE', 'REPORT', 'MKCOL', 'LINK', 'SEARCH'])('should proxy the extension method %s on a route without a method list', async (method) => {
      const before = upstream.exchanges.length;
      const answer = await sendRaw(port, `${method} /api/resource HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
      expect({ status: statusOf(answer), forwarded: forwardedSince(before) }).toEqual({ status: 200, forwarded: [`${method} /resource`] });
    });

    it('should count refused requests in http_server_request_duration_seconds', async () => {
      const metrics = await send(`${gateway.adminUrl}/metrics`);
      expect(metricSum(metrics.body, 'http_server_request_duration_seconds_count', { http_response_status_code: '400' })).toBeGreaterThanOrEqual(2);
    });
  });

  describe('edge trust headers', () => {
    it('should not forward x-envoy-* headers a client sends', async () => {
      const requestId = 'envoy-headers';
      await send(`${gateway.url}/api/envoy`, {
        headers: { 'x-request-id': requestId, 'x-envoy-force-trace': 'true', 'x-envoy-upstream-rq-timeout-ms': '1', 'X-Envoy-Original-Path': '/admin', 'x-envoyish': 'kept' },
      });
      const received = upstream.byRequestId(requestId)?.headers ?? {};
      expect(Object.keys(received).filter((name) => name.startsWith('x-envoy'))).toEqual(['x-envoyish']);
    });
  });

  describe('Expect: 100-continue', () => {
    it('should refuse a request it will not forward without asking for its body first', async () => {
      const before = upstream.exchanges.length;
      const answer = await headOnlyAnswer(port, 'POST /read-only HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
      expect({ firstLine: answer.split('\r\n')[0], continues: answer.includes('100 Continue'), connection: headerOf(answer, 'connection'), forwarded: forwardedSince(before) })
        .toEqual({ firstLine: 'HTTP/1.1 405 Method Not Allowed', continues: false, connection: 'close', forwarded: [] });
    });

    it('should ask for the body of a request it forwards, then forward it whole', async () => {
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /api/sink HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n'));
      let received = '';
      const answer = await new Promise<string>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
          if (received === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write('hello');
        });
        socket.once('close', () => resolve(received));
      });
      expect({ continued: answer.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), final: answer.split('\r\n\r\n')[1]?.split('\r\n')[0], bodyForwarded: answer.includes('{"bytes":5}') })
        .toEqual({ continued: true, final: 'HTTP/1.1 200 OK', bodyForwarded: true });
    });
  });
});
