import fc from 'fast-check';
import { COLLECTOR_BEHAVIOURS, StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { eventually } from './support/eventually';
import { exchange, type ExchangeOutcome } from './support/exchange-outcome';
import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send, sendRaw, statusOf, trickle } from './support/http-client';
import { closedPort } from './support/loopback-server';
import { ObservingUpstream } from './support/observing-upstream';
import { StandInUpstream } from './support/stand-in-upstream';
import { hostileTraceHeaders, traceHeaderViolations } from './support/trace-header-fuzz';

const MAX_BODY_BYTES = 1000;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** Node checks both timeouts every connectionsCheckingInterval: min(1000, headersTimeoutMs) in the gateway. */
const CHECK_INTERVAL_MS = 1000;
const SLACK_MS = 1500;
const SEED = 0x6a7e;

/** Secrets a client or the operator hands the gateway: none may show up in a log line, metric or error body. */
const SECRETS = {
  collectorUserinfo: 'USERINFO_PASS_5e1',
  collectorPathToken: 'PATH_TOKEN_5e2',
  collectorQueryToken: 'QUERY_TOKEN_5e3',
  collectorHeader: 'COLLECTOR_HEADER_5e4',
  clientAuthorization: 'CLIENT_AUTH_5e5',
  clientCookie: 'CLIENT_COOKIE_5e6',
  clientProxyAuthorization: 'PROXY_AUTH_5e7',
  clientQuery: 'CLIENT_QUERY_5e8',
} as const;
const CLIENT_SECRET_HEADERS = {
  authorization: `Bearer ${SECRETS.clientAuthorization}`,
  cookie: `session=${SECRETS.clientCookie}; theme=dark`,
  'proxy-authorization': `Basic ${SECRETS.clientProxyAuthorization}`,
};
const RAW_SECRET_LINES = Object.entries(CLIENT_SECRET_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');

/** Count of status lines in a raw answer: more than one means a second (smuggled) request was answered. */
const responsesIn = (raw: string): number => raw.match(/HTTP\/1\.[01] \d{3} /g)?.length ?? 0;

describe('hostile input (gateway process)', () => {
  let upstream: StandInUpstream;
  let observing: ObservingUpstream;
  let contained: StandInUpstream;
  let elsewhere: StandInUpstream;
  let collector: StandInCollector;
  let gateway: GatewayProcess;
  let gatewayPort: number;
  /** Every non-2xx body the gateway answered in this suite, for the secrets check. */
  const errorBodies: string[] = [];
  const keep = (outcome: ExchangeOutcome): ExchangeOutcome => {
    if (outcome.status < 200 || outcome.status > 299) errorBodies.push(outcome.body);
    return outcome;
  };
  const keepRaw = (raw: string): string => {
    errorBodies.push(raw);
    return raw;
  };

  beforeAll(async () => {
    [upstream, observing, contained, elsewhere, collector] = await Promise.all([
      new StandInUpstream().start(),
      new ObservingUpstream().start(),
      new StandInUpstream().start(),
      new StandInUpstream().start(),
      StandInCollector.start(),
    ]);
    const collectorUrl = new URL(collector.url(`/adapt_${SECRETS.collectorPathToken}/api/v2/spans?token=${SECRETS.collectorQueryToken}`));
    collectorUrl.username = 'reporter';
    collectorUrl.password = SECRETS.collectorUserinfo;
    const config = {
      server: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      ingressGateway: { url: upstream.url },
      tracing: { propagators: ['b3multi', 'b3', 'tracecontext'] },
      routes: [
        { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' },
        { name: 'observed', path: '/obs/', prefix: true, upstreamPath: '/', upstream: observing.url },
        { name: 'svc', path: '/svc/', prefix: true, upstreamPath: '/internal/svc/', upstream: contained.url },
        { name: 'slow', path: '/slow/', prefix: true, upstreamPath: '/', timeoutMs: 300 },
        { name: 'dead', path: '/dead', upstream: `http://127.0.0.1:${await closedPort()}` },
        // Everything else, read-only: a target that names another host must still land here.
        { name: 'catch-all', path: '/', prefix: true, upstreamPath: '/', methods: ['GET'] },
      ],
    };
    gateway = await startGateway(
      gatewayEnv(
        { collector: collectorUrl.href, config },
        { MAX_BODY_BYTES: String(MAX_BODY_BYTES), LOG_LEVEL: 'debug', ZIPKIN_HEADERS: `authorization=Bearer ${SECRETS.collectorHeader}`, OTEL_BSP_SCHEDULE_DELAY: '50' },
      ),
    );
    gatewayPort = Number(new URL(gateway.url).port);
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([upstream.close(), observing.close(), contained.close(), elsewhere.close(), collector.close()]);
  });

  describe('header block limit (maxHeaderBytes 16384)', () => {
    it.each([
      ['one oversized header', `GET /api/x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['many small headers', `GET /api/x HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 600 }, (_, i) => `X-H${i}: ${'v'.repeat(30)}\r\n`).join('')}\r\n`],
      ['an oversized request line', `GET /api/${'p'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`],
      ['an oversized cookie', `GET /api/x HTTP/1.1\r\nHost: a\r\nCookie: session=${SECRETS.clientCookie}${'c'.repeat(20_000)}\r\n\r\n`],
    ])('should answer 431 to %s and call no upstream', async (_case, raw) => {
      const before = upstream.requests.length;
      const answer = keepRaw(await sendRaw(gatewayPort, raw));
      expect(statusOf(answer)).toBe(431);
      expect(upstream.requests.length).toBe(before);
    });
  });

  describe(`body limit (MAX_BODY_BYTES=${MAX_BODY_BYTES})`, () => {
    const chunked = (total: number, chunk = 250): string =>
      `${Array.from({ length: Math.ceil(total / chunk) }, (_, i) => Math.min(chunk, total - i * chunk)).map((n) => `${n.toString(16)}\r\n${'c'.repeat(n)}\r\n`).join('')}0\r\n\r\n`;
    const post = (requestId: string, framing: string, body: string): string => `POST /obs/sink HTTP/1.1\r\nHost: a\r\nConnection: close\r\nx-request-id: ${requestId}\r\n${framing}\r\n${body}`;

    it.each([
      ['Content-Length at the limit', 'cl-at-limit', `Content-Length: ${MAX_BODY_BYTES}\r\n`, 'b'.repeat(MAX_BODY_BYTES)],
      ['a chunked body at the limit', 'te-at-limit', 'Transfer-Encoding: chunked\r\n', chunked(MAX_BODY_BYTES)],
    ])('should pass %s through whole', async (_case, requestId, framing, body) => {
      expect(statusOf(await sendRaw(gatewayPort, post(requestId, framing, body)))).toBe(200);
      expect(observing.byRequestId(requestId)).toMatchObject({ bodyBytes: MAX_BODY_BYTES, request: 'complete' });
    });

    it('should answer 413 to a Content-Length over the limit before calling the upstream', async () => {
      const answer = keepRaw(await sendRaw(gatewayPort, post('cl-over', `Content-Length: ${MAX_BODY_BYTES + 1}\r\n`, 'b'.repeat(MAX_BODY_BYTES + 1))));
      expect(statusOf(answer)).toBe(413);
      expect(observing.byRequestId('cl-over')).toBeUndefined();
    });

    it.each([
      ['just over the limit', 'te-over', MAX_BODY_BYTES + 1],
      ['a megabyte over the limit', 'te-mib', 1024 * 1024],
    ])('should answer 413 to a chunked body %s, streamed: the upstream never gets a complete body', async (_case, requestId, total) => {
      const answer = keepRaw(await sendRaw(gatewayPort, post(requestId, 'Transfer-Encoding: chunked\r\n', chunked(total, 1000))));
      expect(statusOf(answer)).toBe(413);
      const seen = await eventually(() => observing.byRequestId(requestId), (exchange) => exchange === undefined || exchange.request !== 'receiving', 2000);
      expect(seen === undefined || (seen.request === 'aborted' && seen.bodyBytes <= MAX_BODY_BYTES)).toBe(true);
    });

    it('should answer 413 and close, never parsing the unread body as a second request', async () => {
      const smuggled = 'GET /obs/smuggled-in-413 HTTP/1.1\r\nHost: a\r\n\r\n';
      const answer = keepRaw(await sendRaw(gatewayPort, `POST /obs/sink HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n${smuggled}${'p'.repeat(2000 - smuggled.length)}`));
      expect(statusOf(answer)).toBe(413);
      expect(responsesIn(answer)).toBe(1);
      expect(observing.exchanges.filter((e) => e.url.includes('smuggled'))).toEqual([]);
    });
  });

  describe('request smuggling and malformed framing', () => {
    const SMUGGLED = 'GET /obs/smuggled HTTP/1.1\r\nHost: a\r\n\r\n';
    it.each([
      ['Content-Length and Transfer-Encoding', `Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
      ['Transfer-Encoding and Content-Length', `Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n${SMUGGLED}`],
      ['two differing Content-Length', `Content-Length: 6\r\nContent-Length: 60\r\n\r\nabcdef${SMUGGLED}`],
      ['an obs-folded header', `X-Folded: a\r\n b\r\n\r\n${SMUGGLED}`],
      ['an obs-folded Transfer-Encoding', `Transfer-Encoding:\r\n chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n${SMUGGLED}`],
      ['whitespace before the colon', `Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
      ['a final coding other than chunked', `Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n${SMUGGLED}`],
      ['an unknown coding', `Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
      ['a bare CR in a header value (CRLF injection)', `X-Injected: a\r${SMUGGLED}`],
      ['a bare LF in a header value', `X-Injected: a\nX-Second: b\r\nContent-Length: 0\r\n\r\n${SMUGGLED}`],
      ['a NUL in a header value', `X-Injected: a\0b\r\nContent-Length: 0\r\n\r\n${SMUGGLED}`],
      ['a signed Content-Length', `Content-Length: +6\r\n\r\nabcdef${SMUGGLED}`],
      ['a negative Content-Length', `Content-Length: -1\r\n\r\n${SMUGGLED}`],
    ])('should answer 400 to %s and never hand the upstream a desynchronised request', async (_case, rest) => {
      const before = observing.exchanges.length;
      const answer = keepRaw(await sendRaw(gatewayPort, `POST /obs/sink HTTP/1.1\r\nHost: a\r\n${RAW_SECRET_LINES}${rest}`));
      expect(statusOf(answer)).toBe(400);
      expect(responsesIn(answer)).toBe(1);
      expect(observing.exchanges.slice(before)).toEqual([]);
    });

    it('should answer 400 to an invalid chunk size mid-body and abort the request it was forwarding', async () => {
      const before = observing.exchanges.length;
      const answer = keepRaw(await sendRaw(gatewayPort, `POST /obs/sink HTTP/1.1\r\nHost: a\r\nx-request-id: bad-chunk\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\nzz\r\n${SMUGGLED}`));
      expect(statusOf(answer)).toBe(400);
      expect(responsesIn(answer)).toBe(1);
      const forwarded = await eventually(() => observing.exchanges.slice(before), (list) => list.every((e) => e.request !== 'receiving'), 2000);
      expect(forwarded.map((e) => [e.url, e.request])).toEqual(forwarded.length === 0 ? [] : [['/sink', 'aborted']]);
    });
  });

  describe('request targets (never an open proxy, never out of a prefix rewrite)', () => {
    const elsewhereHost = (): string => `127.0.0.1:${elsewhere.port}`;

    /** `{elsewhere}` in a target stands for host:port of a server the gateway must never call. */
    it.each<[string, string, number, string | undefined]>([
      ['an absolute-form target naming another host', 'GET http://{elsewhere}/api/x HTTP/1.1\r\nHost: {elsewhere}\r\n', 200, '/x'],
      ['an absolute-form target without a path', 'GET http://{elsewhere} HTTP/1.1\r\nHost: a\r\n', 200, '/'],
      ['an absolute-form https target with userinfo', 'GET https://user:pw@{elsewhere}/api/x HTTP/1.1\r\nHost: a\r\n', 200, '/x'],
      ['an absolute-form target climbing out of its path', 'GET http://{elsewhere}/api/../../x HTTP/1.1\r\nHost: a\r\n', 400, undefined],
      ['a network-path reference', 'GET //{elsewhere}/x HTTP/1.1\r\nHost: a\r\n', 200, '/{elsewhere}/x'],
      ['a userinfo-looking path', 'GET /api/@{elsewhere}/x HTTP/1.1\r\nHost: a\r\n', 200, '/@{elsewhere}/x'],
      ['a backslash network path', 'GET /\\{elsewhere}/x HTTP/1.1\r\nHost: a\r\n', 400, undefined],
      ['another host in Host only', 'GET /api/x HTTP/1.1\r\nHost: {elsewhere}\r\n', 200, '/x'],
      ['a CONNECT tunnel request', 'CONNECT {elsewhere} HTTP/1.1\r\nHost: {elsewhere}\r\n', 0, undefined],
    ])('should keep %s on the configured upstream', async (_case, raw, status, upstreamUrl) => {
      const before = upstream.requests.length;
      const answer = await sendRaw(gatewayPort, `${raw.replaceAll('{elsewhere}', elsewhereHost())}Connection: close\r\n\r\n`);
      expect(statusOf(answer)).toBe(status);
      if (upstreamUrl !== undefined) {
        await upstream.waitForRequests(before + 1);
        expect(upstream.requests[before]).toMatchObject({ url: upstreamUrl.replaceAll('{elsewhere}', elsewhereHost()), headers: expect.objectContaining({ host: new URL(upstream.url).host }) as object });
      } else {
        expect(upstream.requests.length).toBe(before);
      }
      expect(elsewhere.requests).toEqual([]);
    });

    it('should refuse a request with two Host headers (RFC 9112 §3.2: MUST answer 400)', async () => {
      const before = upstream.requests.length;
      const answer = keepRaw(await sendRaw(gatewayPort, `GET /api/x HTTP/1.1\r\nHost: a.example\r\nHost: ${elsewhereHost()}\r\nConnection: close\r\n\r\n`));
      expect(statusOf(answer)).toBe(400);
      expect(upstream.requests.length).toBe(before);
    });

    it('should never let a dot, encoded-dot or odd segment take a request out of /svc/ → /internal/svc/', async () => {
      const segment = fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '%2e', '', 'a', 'b', '%252e%252e', '..;', ';x', '%20', '~', 'svc', 'internal', '%00', '%2f', '%5c');
      const paths = fc.sample(fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/svc/${segments.join('/')}`), { numRuns: 150, seed: SEED });
      const escaped: string[] = [];
      for (const path of paths) {
        const before = contained.requests.length;
        const outcome = await exchange(`${gateway.url.replace(/\/$/, '')}${path}`, {});
        if (outcome.status >= 500) escaped.push(`${path} → ${outcome.status}`);
        if (outcome.status !== 200 || contained.requests.length === before) continue;
        const url = contained.requests[before].url.split('?')[0];
        const segments = url.split('/').map((s) => decodeURIComponent(s));
        if (!url.startsWith('/internal/svc/') || segments.some((s) => s === '.' || s === '..')) escaped.push(`${path} → ${url}`);
      }
      expect(escaped).toEqual([]);
      expect(elsewhere.requests).toEqual([]);
    });
  });

  describe('slow clients', () => {
    it('should cut a slowloris (header bytes trickled every 200 ms) within headersTimeout', async () => {
      const before = upstream.requests.length;
      const bound = HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS;
      const { answer, elapsedMs, piecesSent } = await trickle(gatewayPort, 'GET /api/slowloris HTTP/1.1\r\nHost: a\r\n', [...`X-Slow: ${'s'.repeat(200)}\r\n\r\n`], 200, bound + 5000);
      expect(statusOf(answer)).toBe(408);
      expect(elapsedMs).toBeLessThan(bound);
      expect(piecesSent).toBeLessThan(50);
      expect(upstream.requests.length).toBe(before);
    });

    it.each([
      ['a Content-Length body', 'slow-cl', 'Content-Length: 200\r\n', [...'b'.repeat(200)]],
      ['a chunked body', 'slow-te', 'Transfer-Encoding: chunked\r\n', Array.from({ length: 200 }, () => '1\r\nb\r\n')],
    ])('should cut %s trickled every 200 ms within requestTimeout, aborting the upstream request', async (_case, requestId, framing, pieces) => {
      const bound = REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS;
      const head = `POST /obs/sink HTTP/1.1\r\nHost: a\r\nx-request-id: ${requestId}\r\n${framing}\r\n`;
      const { answer, elapsedMs } = await trickle(gatewayPort, head, pieces, 200, bound + 5000);
      expect(statusOf(answer)).toBe(408);
      expect(elapsedMs).toBeLessThan(bound);
      const seen = await eventually(() => observing.byRequestId(requestId)?.request, (state) => state !== 'receiving', 2000);
      expect(seen).toBe('aborted');
    });
  });

  describe('trace headers', () => {
    it('should answer 200 random malformed trace header sets without a 5xx, forwarding only well-formed trace headers', async () => {
      const headerSets = fc.sample(hostileTraceHeaders, { numRuns: 200, seed: SEED });
      const failures: Array<{ sent: Record<string, string | string[]>; problems: string[] }> = [];
      for (const [i, sent] of headerSets.entries()) {
        const requestId = `fuzz-${i}`;
        const outcome = keep(await exchange(`${gateway.url}/api/fuzz`, { headers: { ...sent, ...CLIENT_SECRET_HEADERS, 'x-request-id': requestId } }));
        if (outcome.status === 431) continue; // an oversized set is refused before any trace handling
        const received = upstream.requests.find((r) => r.headers['x-request-id'] === requestId);
        const problems = outcome.status >= 500 || received === undefined ? [`answered ${outcome.status}${received === undefined ? ', upstream not called' : ''}`] : traceHeaderViolations(received.headers, sent);
        if (problems.length > 0) failures.push({ sent, problems });
      }
      // One example per kind of problem keeps a failure readable.
      const byKind = new Map(failures.flatMap((f) => f.problems.map((p) => [p.replace(/".*$/, ''), { example: f.sent, problem: p }] as const)));
      expect([...byKind.values()]).toEqual([]);
    });

    it.each([
      ['alone', { tracestate: 'congo=t61rcWkgMzE' }],
      ['with a malformed traceparent', { traceparent: '00-zz-1', tracestate: 'congo=t61rcWkgMzE' }],
      ['with a B3 context only', { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1', tracestate: 'congo=t61rcWkgMzE' }],
    ])('should not forward a tracestate that arrived %s (W3C: a tracestate without its valid traceparent is discarded)', async (_case, headers) => {
      const before = upstream.requests.length;
      expect((await send(`${gateway.url}/api/tracestate`, { headers })).status).toBe(200);
      await upstream.waitForRequests(before + 1);
      expect(upstream.requests[before].headers.tracestate).toBeUndefined();
    });
  });

  describe('secrets', () => {
    it('should never print a secret, nor put one in a metric or an error body, whatever the outcome', async () => {
      const withSecrets = { ...CLIENT_SECRET_HEADERS };
      const q = `?access_token=${SECRETS.clientQuery}`;
      // The collector fails a few times, so the reporter logs about it (with the URL, redacted); the first
      // answer echoes the request as Spring's error JSON does: path, query and the auth header.
      const echo = JSON.stringify({
        status: 404,
        error: 'Not Found',
        path: `/adapt_${SECRETS.collectorPathToken}/api/v2/spans?token=${SECRETS.collectorQueryToken}`,
        headers: { authorization: `Bearer ${SECRETS.collectorHeader}`, url: `http://reporter:${SECRETS.collectorUserinfo}@collector/` },
      });
      collector.answerNext({ kind: 'answer', status: 404, body: echo }, COLLECTOR_BEHAVIOURS.reject, COLLECTOR_BEHAVIOURS.fail, COLLECTOR_BEHAVIOURS.reset);
      const outcomes = [
        await exchange(`${gateway.url}/api/ok${q}`, { headers: withSecrets }),
        await exchange(`${gateway.url}/api/status/500${q}`, { headers: withSecrets }),
        await exchange(`${gateway.url}/anything${q}`, { method: 'DELETE', headers: withSecrets }),
        await exchange(`${gateway.url}/api/a%5cb${q}`, { headers: withSecrets }),
        await exchange(`${gateway.url}/obs/sink${q}`, { method: 'POST', headers: { ...withSecrets, 'content-length': '5000' }, body: 'x'.repeat(5000) }),
        await exchange(`${gateway.url}/dead${q}`, { headers: withSecrets }),
        await exchange(`${gateway.url}/slow/hang${q}`, { headers: withSecrets }),
      ].map(keep);
      expect(outcomes.map((o) => o.status)).toEqual([200, 500, 405, 400, 413, 502, 504]);
      await gateway.waitForLine((line) => line.includes('Zipkin collector'), 5000);
      await gateway.waitForLine((line) => line.includes('"status":504'), 5000);
      const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
      const places = { 'gateway output': gateway.output.join('\n'), metrics, 'error bodies': errorBodies.join('\n'), 'exported spans': collector.requests.map((r) => r.body.toString()).join('\n') };
      const leaks = Object.entries(places).flatMap(([place, text]) =>
        Object.entries(SECRETS).flatMap(([name, secret]) => {
          const at = text.indexOf(secret);
          return at === -1 ? [] : [`${name} in ${place}: …${text.slice(Math.max(0, at - 160), at + secret.length + 40)}…`];
        }),
      );
      expect(leaks).toEqual([]);
      // The check saw real material: the reporter logged about the collector, and bodies were collected.
      expect(gateway.output.some((line) => line.includes('<redacted>'))).toBe(true);
      expect(errorBodies.length).toBeGreaterThan(20);
    });
  });
});
