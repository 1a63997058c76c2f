import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { ZipkinSpan } from '../../../libs/tracing/src/zipkin/zipkin-span';
import { StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { v2SpansOf } from './support/collected-spans';
import { eventually, metricSum } from './support/eventually';
import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import { ObservingUpstream } from './support/observing-upstream';

const ROUTES = [{ name: 'api', path: '/api/', prefix: true, upstreamPath: '/' }];
/** Small on purpose: the stuck requests of issue 11 held a pool of 512; 4 shows the same in a second. */
const MAX_SOCKETS = 4;
const DRAIN_TIMEOUT_MS = 2000;
const CLOSE_TIMEOUT_MS = 2000;

/** Opens a connection, writes `bytes`, and returns it once connected. */
function openWith(port: number, bytes: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function requestIdsLogged(gateway: GatewayProcess): string[] {
  return gateway.jsonLines().filter((line) => line.msg === 'request').map((line) => String(line.requestId));
}

function serverSpanRequestIds(collector: StandInCollector): Set<string> {
  return new Set(v2SpansOf(collector).filter((span: ZipkinSpan) => span.kind === 'SERVER').map((span) => span.tags?.['guid:x-request-id'] ?? ''));
}

describe('every request ends exactly once (gateway process)', () => {
  let upstream: ObservingUpstream;
  let collector: StandInCollector;

  beforeEach(async () => {
    [upstream, collector] = await Promise.all([new ObservingUpstream().start(), StandInCollector.start()]);
  });

  afterEach(async () => {
    await Promise.all([upstream.close(), collector.close()]);
  });

  it('should end pipelined requests whose client closed mid-way: the gateway still serves, every request the upstream got is logged, counted and traced, SIGTERM exits in time', async () => {
    const CONNECTIONS = 520;
    const gateway = await startGateway(gatewayEnv(
      { upstream, collector, routes: ROUTES, config: { ingressGateway: { maxSockets: MAX_SOCKETS } } },
      { OTEL_BSP_SCHEDULE_DELAY: '100', DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS), SPAN_EXPORT_CLOSE_TIMEOUT_MS: String(CLOSE_TIMEOUT_MS) },
    ));
    const port = Number(new URL(gateway.url).port);
    const pipelined = 'GET /api/slow/300 HTTP/1.1\r\nHost: gw\r\n\r\nGET /api/download/1048576 HTTP/1.1\r\nHost: gw\r\n\r\n';
    // Each client sends two requests at once and goes away while the first is in flight.
    for (let batch = 0; batch < CONNECTIONS; batch += 65) {
      const sockets = await Promise.all(Array.from({ length: Math.min(65, CONNECTIONS - batch) }, () => openWith(port, pipelined)));
      await delay(20);
      sockets.forEach((socket) => socket.destroy());
    }

    const probe = await send(`${gateway.url}/api/after`);
    const logged = await eventually(() => requestIdsLogged(gateway), (ids) => ids.length >= CONNECTIONS * 2 + 1, 20_000);
    const metrics = await send(`${gateway.adminUrl}/metrics`);
    const received = upstream.exchanges.map((exchange) => String(exchange.headers['x-request-id']));
    const spans = await eventually(() => serverSpanRequestIds(collector), (ids) => received.every((id) => ids.has(id)), 10_000);
    const stopStarted = performance.now();
    const exitCode = await gateway.stop();
    const exitedAfterMs = performance.now() - stopStarted;
    process.stdout.write(`pipelined + close: ${JSON.stringify({ connections: CONNECTIONS, upstreamReceived: received.length, logged: logged.length, exitedAfterMs: Math.round(exitedAfterMs) })}\n`);

    expect(probe.status).toBe(200);
    expect(logged).toHaveLength(CONNECTIONS * 2 + 1);
    expect(metricSum(metrics.body, 'http_server_request_duration_seconds_count')).toBe(CONNECTIONS * 2 + 1);
    expect(received.filter((id) => !logged.includes(id))).toEqual([]);
    expect(received.filter((id) => !spans.has(id))).toEqual([]);
    expect({ exitCode, withinBudget: exitedAfterMs < DRAIN_TIMEOUT_MS + CLOSE_TIMEOUT_MS }).toEqual({ exitCode: 0, withinBudget: true });
  }, 90_000);

  it('should cut a client that stops reading a large response within the idle timeout and free its upstream connection', async () => {
    const IDLE_TIMEOUT_MS = 1000;
    const gateway = await startGateway(gatewayEnv({ upstream, collector, routes: ROUTES, config: { ingressGateway: { maxSockets: MAX_SOCKETS, idleTimeoutMs: IDLE_TIMEOUT_MS } } }));
    const port = Number(new URL(gateway.url).port);
    const started = performance.now();
    // Four readers that read nothing hold the whole pool until the gateway gives up on them.
    const readers = await Promise.all(Array.from({ length: MAX_SOCKETS }, (_, i) => openWith(port, `GET /api/download/104857600 HTTP/1.1\r\nHost: gw\r\nx-request-id: stalled-${i}\r\n\r\n`)));
    readers.forEach((socket) => socket.pause());
    const upstreamSides = await eventually(
      () => Array.from({ length: MAX_SOCKETS }, (_, i) => upstream.byRequestId(`stalled-${i}`)?.response),
      (states) => states.every((state) => state === 'cut'),
      IDLE_TIMEOUT_MS + 5000,
    );
    const freedAfterMs = performance.now() - started;
    const next = await send(`${gateway.url}/api/after-stall`);
    const lines = await eventually(() => gateway.jsonLines().filter((line) => String(line.requestId).startsWith('stalled-')), (found) => found.length === MAX_SOCKETS);
    readers.forEach((socket) => socket.destroy());
    await gateway.stop();
    process.stdout.write(`stalled readers freed after ${Math.round(freedAfterMs)} ms (idle timeout ${IDLE_TIMEOUT_MS} ms)\n`);

    expect(upstreamSides).toEqual(Array.from({ length: MAX_SOCKETS }, () => 'cut'));
    expect(freedAfterMs).toBeLessThan(IDLE_TIMEOUT_MS + 4000);
    expect(next.status).toBe(200);
    expect(lines.map((line) => ({ status: line.status, error: line.error }))).toEqual(
      Array.from({ length: MAX_SOCKETS }, () => ({ status: 0, error: `the client read nothing of the response for ${IDLE_TIMEOUT_MS} ms` })),
    );
  }, 30_000);

  it('should report not ready while the upstream pool stays exhausted, and ready again once it frees', async () => {
    const gateway = await startGateway(gatewayEnv({ upstream, collector, routes: ROUTES, config: { ingressGateway: { maxSockets: 1, poolExhaustedUnreadyMs: 500 } } }));
    const readyBefore = await send(`${gateway.adminUrl}/health/ready`);
    // One request holds the only connection for 3 s; the ones behind it wait for it.
    const holding = [send(`${gateway.url}/api/slow/3000`), send(`${gateway.url}/api/slow/10`), send(`${gateway.url}/api/slow/10`)];
    const unready = await eventually(() => send(`${gateway.adminUrl}/health/ready`), (answer) => answer.status === 503, 2500);
    const answers = await Promise.all(holding);
    const readyAfter = await eventually(() => send(`${gateway.adminUrl}/health/ready`), (answer) => answer.status === 200, 2000);
    const live = await send(`${gateway.adminUrl}/health/live`);
    await gateway.stop();

    expect(readyBefore.status).toBe(200);
    expect({ status: unready.status, details: (JSON.parse(unready.body) as { error: { gateway: object } }).error.gateway }).toEqual({
      status: 503,
      details: { status: 'down', listening: true, draining: false, upstreamPoolExhaustedMs: expect.any(Number) as number },
    });
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect([readyAfter.status, live.status]).toEqual([200, 200]);
  }, 30_000);
});
