import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send, sendRaw, statusOf } from './support/http-client';
import { closedPort, listenOnLoopback } from './support/loopback-server';
import { StandInUpstream } from './support/stand-in-upstream';

/** A memory figure of a process from /proc (VmHWM = peak so far, VmRSS = now), in MiB. */
function memoryMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
}

/** A stream of `total` bytes produced on demand (never held in memory). */
function generatedBody(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  let produced = 0;
  return new Readable({
    read(): void {
      if (produced >= total) return void this.push(null);
      const piece = chunk.subarray(0, Math.min(chunk.length, total - produced));
      produced += piece.length;
      this.push(piece);
    },
  });
}

const TLS_DIR = join(__dirname, 'fixtures', 'tls');
const HUNDRED_MB = 100 * 1024 * 1024;

describe('proxy behaviour (gateway process, stand-in upstream)', () => {
  let upstream: StandInUpstream;
  let tlsUpstream: Http2SecureServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await new StandInUpstream().start();
    // Offers h2 and http/1.1 by ALPN, as Envoy does: undici 8 would pick h2 unless told not to.
    tlsUpstream = createSecureServer({ allowHTTP1: true, cert: readFileSync(join(TLS_DIR, 'server.pem')), key: readFileSync(join(TLS_DIR, 'server.key')) }, (request, response) => {
      const answer = { tls: true, url: request.url, traceId: request.headers['x-b3-traceid'], httpVersion: request.httpVersion };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    const tlsPort = await listenOnLoopback(tlsUpstream);
    const routes = [
      { name: 'productpage', path: '/', upstreamPath: '/productpage', methods: ['GET'] },
      { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' },
      { name: 'reviews', path: '/reviews', prefix: true, upstreamPath: '/v1/reviews', methods: ['GET', 'POST'], host: 'bookinfo.example.com' },
      { name: 'short-timeout', path: '/quick/', prefix: true, upstreamPath: '/', timeoutMs: 300 },
      { name: 'dead', path: '/dead', upstream: `http://127.0.0.1:${await closedPort()}` },
      { name: 'secure', path: '/secure/', prefix: true, upstreamPath: '/', upstream: `https://localhost:${tlsPort}` },
    ];
    gateway = await startGateway(gatewayEnv({ upstream, routes }, { INGRESS_GATEWAY_CA_FILE: join(TLS_DIR, 'ca.pem') }));
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.close();
    tlsUpstream.close();
  });

  async function lastUpstreamRequestAfter(call: () => Promise<unknown>): Promise<StandInUpstream['requests'][number]> {
    const before = upstream.requests.length;
    await call();
    await upstream.waitForRequests(before + 1);
    return upstream.requests[before];
  }

  describe('routing', () => {
    it.each([
      ['/', '/productpage'],
      ['/?a=1&b=x%20y', '/productpage?a=1&b=x%20y'],
      ['/api/ratings/1?x=2', '/ratings/1?x=2'],
      ['/reviews', '/v1/reviews'],
      ['/reviews/7', '/v1/reviews/7'],
    ])('should send %s upstream as %s', async (path, upstreamUrl) => {
      const seen = await lastUpstreamRequestAfter(() => send(`${gateway.url}${path}`));
      expect(seen.url).toBe(upstreamUrl);
    });

    it('should answer 404 in JSON without calling the upstream when no route matches', async () => {
      const before = upstream.requests.length;
      const answer = await send(`${gateway.url}/nothing-here`);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'route_not_found' });
      expect(upstream.requests.length).toBe(before);
    });

    it('should answer 405 with Allow when the route does not take the method', async () => {
      const answer = await send(`${gateway.url}/reviews`, { method: 'DELETE' });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD, POST');
    });

    it('should answer HEAD on a GET route without a body', async () => {
      const seen = await lastUpstreamRequestAfter(() => send(`${gateway.url}/`, { method: 'HEAD' }));
      expect(seen.method).toBe('HEAD');
      expect(seen.url).toBe('/productpage');
    });

    it('should never serve the admin endpoints on the gateway port', async () => {
      expect((await send(`${gateway.url}/metrics`)).status).toBe(404);
      expect((await send(`${gateway.url}/health/ready`)).status).toBe(404);
    });
  });

  describe('headers', () => {
    it('should drop hop-by-hop headers, set X-Forwarded-*, and forward the rest', async () => {
      const seen = await lastUpstreamRequestAfter(() =>
        send(`${gateway.url}/api/echo`, {
          headers: {
            connection: 'keep-alive, x-hop-listed',
            'x-hop-listed': 'gone',
            'keep-alive': 'timeout=5',
            te: 'trailers',
            'proxy-authorization': 'Basic c2VjcmV0',
            'x-forwarded-for': '203.0.113.7',
            'x-custom': 'kept',
            authorization: 'Bearer end-to-end',
          },
        }),
      );
      expect(seen.headers).toMatchObject({ 'x-custom': 'kept', authorization: 'Bearer end-to-end', 'x-forwarded-for': '203.0.113.7, 127.0.0.1', 'x-forwarded-proto': 'http' });
      expect(seen.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
      for (const name of ['x-hop-listed', 'keep-alive', 'te', 'proxy-authorization']) expect(seen.headers[name]).toBeUndefined();
      expect(seen.headers.host).toBe(new URL(upstream.url).host);
    });

    it('should send the route host as Host (Istio VirtualService match)', async () => {
      const seen = await lastUpstreamRequestAfter(() => send(`${gateway.url}/reviews`));
      expect(seen.headers.host).toBe('bookinfo.example.com');
    });

    it('should forward the caller x-request-id and echo it', async () => {
      let answer: Awaited<ReturnType<typeof send>> | undefined;
      const seen = await lastUpstreamRequestAfter(async () => (answer = await send(`${gateway.url}/`, { headers: { 'x-request-id': 'req-123' } })));
      expect(seen.headers['x-request-id']).toBe('req-123');
      expect(answer?.headers['x-request-id']).toBe('req-123');
    });

    it('should generate an x-request-id when absent, send it upstream and echo it', async () => {
      let answer: Awaited<ReturnType<typeof send>> | undefined;
      const seen = await lastUpstreamRequestAfter(async () => (answer = await send(`${gateway.url}/`)));
      expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer?.headers['x-request-id']).toBe(seen.headers['x-request-id']);
    });

    it('should return the upstream status, headers (every Set-Cookie) and body', async () => {
      const answer = await send(`${gateway.url}/api/anything?z=1`);
      expect(answer.status).toBe(200);
      expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(answer.headers['x-upstream']).toBe('stand-in');
      expect(JSON.parse(answer.body)).toEqual({ method: 'GET', url: '/anything?z=1' });
    });
  });

  describe('bodies', () => {
    it('should stream a 100 MB upload and a 100 MB download without buffering them', async () => {
      const started = Date.now();
      const rssBefore = memoryMiB(gateway.child.pid ?? 0, 'VmRSS');
      const upload = await send(`${gateway.url}/api/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }, body: generatedBody(HUNDRED_MB) });
      expect(JSON.parse(upload.body)).toMatchObject({ bytes: HUNDRED_MB });
      const download = await new Promise<number>((resolve, reject) => {
        void import('node:http').then(({ get }) =>
          get(`${gateway.url}/api/download/${HUNDRED_MB}`, { agent: false }, (response) => {
            let bytes = 0;
            response.on('data', (chunk: Buffer) => (bytes += chunk.length));
            response.on('end', () => resolve(bytes));
          }).on('error', reject),
        );
      });
      expect(download).toBe(HUNDRED_MB);
      // Buffering either body would add at least 100 MiB to the peak (Node 20 and 24 start at different sizes).
      expect(memoryMiB(gateway.child.pid ?? 0, 'VmHWM') - rssBefore).toBeLessThan(100);
      process.stdout.write(`200 MB streamed through the gateway in ${Date.now() - started} ms\n`);
    }, 60_000);

    it('should keep connections to the upstream alive and reuse them', async () => {
      const socketsBefore = upstream.openSockets;
      for (let i = 0; i < 10; i += 1) await send(`${gateway.url}/api/kib`);
      expect(upstream.openSockets - socketsBefore).toBeLessThanOrEqual(1);
    });
  });

  describe('upstream failures', () => {
    it.each([
      ['refused', '/dead', 502, 'upstream_unavailable'],
      ['reset', '/api/reset', 502, 'upstream_unavailable'],
      ['timed out', '/quick/hang', 504, 'upstream_timeout'],
    ])('should answer a %s upstream with %s and a JSON body carrying the trace id', async (_case, path, status, error) => {
      const started = Date.now();
      const answer = await send(`${gateway.url}${path}`);
      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.body)).toEqual({ error, message: expect.any(String) as string, requestId: answer.headers['x-request-id'], traceId: expect.stringMatching(/^[0-9a-f]{32}$/) as string });
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('should pass an upstream 5xx through unchanged', async () => {
      expect((await send(`${gateway.url}/api/status/503`)).status).toBe(503);
    });
  });

  describe('https upstream', () => {
    it('should call a TLS upstream trusting the configured CA bundle, over HTTP/1.1 even when it offers h2', async () => {
      const answer = await send(`${gateway.url}/secure/x`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ tls: true, url: '/x', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) as string, httpVersion: '1.1' });
    });
  });

  describe('request targets (never an open proxy)', () => {
    it.each([
      ['absolute-form target', 'GET http://evil.example/api/x HTTP/1.1\r\nHost: evil.example\r\n\r\n', 200, '/x'],
      ['//host path', 'GET //evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n', 404, undefined],
      ['dot segments inside the prefix', 'GET /api/a/../b HTTP/1.1\r\nHost: a\r\n\r\n', 200, '/b'],
      ['encoded dot segments escaping the prefix', 'GET /api/%2e%2e/productpage HTTP/1.1\r\nHost: a\r\n\r\n', 404, undefined],
      ['climbing above the root', 'GET /api/../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n', 400, undefined],
      ['encoded slash', 'GET /api/a%2f..%2fb HTTP/1.1\r\nHost: a\r\n\r\n', 400, undefined],
      ['backslash', 'GET /api/..\\..\\x HTTP/1.1\r\nHost: a\r\n\r\n', 400, undefined],
    ])('should contain the %s', async (_case, raw, status, upstreamUrl) => {
      const before = upstream.requests.length;
      const answer = await sendRaw(Number(new URL(gateway.url).port), raw.replace('HTTP/1.1\r\n', 'HTTP/1.1\r\nConnection: close\r\n'));
      expect(statusOf(answer)).toBe(status);
      if (upstreamUrl === undefined) {
        expect(upstream.requests.length).toBe(before);
      } else {
        await upstream.waitForRequests(before + 1);
        expect(upstream.requests[before].url).toBe(upstreamUrl);
        expect(upstream.requests[before].headers.host).toBe(new URL(upstream.url).host);
      }
    });
  });
});
