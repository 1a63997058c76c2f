import { connect, type Socket } from 'node:net';
import { eventually, metricSum } from './support/eventually';
import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send, statusOf, trickle } from './support/http-client';
import { StandInUpstream } from './support/stand-in-upstream';

const HEADERS_TIMEOUT_MS = 1000;
/** Node checks both timeouts every connectionsCheckingInterval: min(1000, headersTimeoutMs) in the gateway. */
const CHECK_INTERVAL_MS = 1000;
const SLACK_MS = 1500;
const ADMIN_MAX_CONNECTIONS = 8;

function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => undefined);
  });
}

describe('admin port limits (gateway process)', () => {
  let upstream: StandInUpstream;
  let gateway: GatewayProcess;
  let adminPort: number;

  beforeAll(async () => {
    upstream = await new StandInUpstream().start();
    gateway = await startGateway(gatewayEnv({
      upstream,
      config: { server: { headersTimeoutMs: HEADERS_TIMEOUT_MS, adminMaxConnections: ADMIN_MAX_CONNECTIONS }, routes: [{ name: 'api', path: '/', prefix: true }] },
    }));
    adminPort = Number(new URL(gateway.adminUrl).port);
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
  });

  it('should answer a header block trickled to the admin port with 408 within the header timeout', async () => {
    const bound = HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS;
    const { answer, elapsedMs } = await trickle(adminPort, 'GET /health/live HTTP/1.1\r\nHost: admin\r\nX-Slow: ', [...'a'.repeat(200)], 200, bound + 5000);
    expect(statusOf(answer)).toBe(408);
    expect(elapsedMs).toBeLessThan(bound);
  });

  it('should close a trickled request body on the admin port within the header timeout (admin requests are small)', async () => {
    const bound = HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS;
    const { elapsedMs } = await trickle(adminPort, 'POST /metrics HTTP/1.1\r\nHost: admin\r\nContent-Length: 100000000\r\n\r\n', [...'b'.repeat(200)], 200, bound + 5000);
    expect(elapsedMs).toBeLessThan(bound);
  });

  it('should close connections over adminMaxConnections at once, count them, and keep the proxy port and the probes working', async () => {
    const idle = await Promise.all(Array.from({ length: ADMIN_MAX_CONNECTIONS + 12 }, () => openIdle(adminPort)));
    const closedAtOnce = await eventually(() => idle.filter((socket) => socket.destroyed || socket.readableEnded).length, (count) => count >= 12, 3000);
    const proxied = await send(`${gateway.url}/during`);
    idle.forEach((socket) => socket.destroy());
    const live = await eventually(() => send(`${gateway.adminUrl}/health/live`).catch(() => ({ status: 0, body: '' })), (answer) => answer.status === 200, 5000);
    const metrics = await send(`${gateway.adminUrl}/metrics`);

    expect(closedAtOnce).toBeGreaterThanOrEqual(12);
    expect([proxied.status, live.status]).toEqual([200, 200]);
    expect(metricSum(metrics.body, 'gateway_connections_dropped_total', { port: 'admin' })).toBeGreaterThanOrEqual(12);
    expect(metricSum(metrics.body, 'gateway_client_errors_total', { port: 'admin' })).toBeGreaterThanOrEqual(1);
  });
});
