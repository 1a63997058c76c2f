import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send, sendRaw, statusOf } from './support/http-client';
import { StandInUpstream } from './support/stand-in-upstream';

const HEADERS_TIMEOUT_MS = 1000;
/** Node checks headersTimeout every connectionsCheckingInterval: min(1000, headersTimeoutMs) in the gateway. */
const CHECK_INTERVAL_MS = 1000;
const SLACK_MS = 1500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Status, lower-cased header map and body of a raw HTTP/1.1 answer. */
function parseAnswer(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, ...body] = raw.split('\r\n\r\n');
  const headers = Object.fromEntries(
    head
      .split('\r\n')
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: statusOf(raw), headers, body: body.join('\r\n\r\n') };
}

describe('parser-level client errors (gateway process)', () => {
  let upstream: StandInUpstream;
  let gateway: GatewayProcess;
  let gatewayPort: number;

  beforeAll(async () => {
    upstream = await new StandInUpstream().start();
    gateway = await startGateway(gatewayEnv({ upstream, config: { server: { headersTimeoutMs: HEADERS_TIMEOUT_MS }, routes: [{ name: 'api', path: '/', prefix: true }] } }));
    gatewayPort = Number(new URL(gateway.url).port);
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
  });

  it.each([
    ['a malformed request line', 'NOT A REQUEST LINE\r\n\r\n', 400, 'Bad Request\n'],
    ['an oversized header block', `GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'Request Header Fields Too Large\n'],
  ])('should answer %s with a short plain answer that closes the connection and carries an x-request-id', async (_case, raw, status, body) => {
    const answer = parseAnswer(await sendRaw(gatewayPort, raw));
    expect({ ...answer, headers: { ...answer.headers, 'x-request-id': UUID.test(answer.headers['x-request-id'] ?? '') } }).toEqual({
      status,
      headers: { connection: 'close', 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), 'x-request-id': true },
      body,
    });
  });

  it('should answer a header block not complete within headersTimeout with 408', async () => {
    const started = performance.now();
    const answer = parseAnswer(await sendRaw(gatewayPort, 'GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: ', HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS + 5000));
    expect({ status: answer.status, connection: answer.headers.connection, body: answer.body }).toEqual({ status: 408, connection: 'close', body: 'Request Timeout\n' });
    expect(performance.now() - started).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
  });

  it('should count each refusal by reason on the admin /metrics, and call no upstream', async () => {
    const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
    const counted = (reason: string): number => Number(new RegExp(`^gateway_client_errors_total\\{reason="${reason}"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect({ bad_request: counted('bad_request'), headers_too_large: counted('headers_too_large'), header_timeout: counted('header_timeout') }).toEqual({
      bad_request: 1,
      headers_too_large: 1,
      header_timeout: 1,
    });
    expect(upstream.requests).toEqual([]);
  });
});
