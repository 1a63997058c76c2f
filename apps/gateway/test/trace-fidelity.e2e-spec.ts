import { request, Agent } from 'node:http';
import type { StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import type { ZipkinSpan } from '../../../libs/tracing/src/zipkin/zipkin-span';
import { v2SpansOf, waitForTrace } from './support/collected-spans';
import { eventually } from './support/eventually';
import { closeStandIns, gatewayEnv, startStandIns } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import { closedPort } from './support/loopback-server';
import type { StandInUpstream } from './support/stand-in-upstream';

const PAIRS = 1000;

/** Sends `count` requests on `connections` keep-alive connections; resolves with each answer's x-b3 trace id header we put on it. */
async function load(url: string, count: number, connections: number): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const traceIds: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      traceIds.push(await new Promise<string>((resolve, reject) => {
        const req = request(url, { agent }, (res) => {
          res.resume();
          res.once('end', () => resolve(String(res.headers['x-trace-id'])));
        });
        req.once('error', reject);
        req.end();
      }));
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return traceIds;
}

const endOf = (span: ZipkinSpan): number => (span.timestamp ?? 0) + (span.duration ?? 0);

describe('trace fidelity (gateway process)', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;
  let gateway: GatewayProcess;
  let deadPort: number;

  beforeAll(async () => {
    ({ upstream, collector } = await startStandIns());
    deadPort = await closedPort();
    gateway = await startGateway(gatewayEnv(
      {
        upstream,
        collector,
        routes: [
          { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' },
          { name: 'own-host', path: '/own/', prefix: true, upstreamPath: '/', upstream: upstream.url, host: 'orders.internal:8443' },
          { name: 'own-url', path: '/url/', prefix: true, upstreamPath: '/', upstream: upstream.url },
          { name: 'named', path: '/named/', prefix: true, upstreamPath: '/', upstream: upstream.url, serviceName: 'reviews' },
          { name: 'dead', path: '/dead', upstream: `http://127.0.0.1:${deadPort}` },
        ],
        config: {
          tracing: {
            responseTraceIdHeader: 'X-Trace-Id',
            staticTags: { env: 'staging', cluster: 'edge-1' },
            requestHeaderTags: { 'x-tenant-id': 'tenant', 'x-long': 'long' },
          },
        },
      },
      { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_RESOURCE_ATTRIBUTES: 'env=prod,team=edge%20ops,service.name=ignored' },
    ));
  });

  afterAll(async () => {
    await gateway.stop();
    await closeStandIns({ upstream, collector });
  });

  describe('the microsecond clock', () => {
    it(`should keep every CLIENT span within its SERVER span over ${PAIRS} requests, with timestamps that are not whole milliseconds`, async () => {
      const traceIds = await load(`${gateway.url}/api/kib`, PAIRS, 8);
      const wanted = new Set(traceIds);
      const spans = await eventually(() => v2SpansOf(collector).filter((span) => wanted.has(span.traceId)), (found) => found.length >= PAIRS * 2, 20_000);
      const byTrace = new Map<string, { server?: ZipkinSpan; client?: ZipkinSpan }>();
      for (const span of spans) {
        const pair = byTrace.get(span.traceId) ?? {};
        if (span.kind === 'SERVER') pair.server = span;
        if (span.kind === 'CLIENT') pair.client = span;
        byTrace.set(span.traceId, pair);
      }
      const outside = [...byTrace.values()].filter(({ server, client }) => server === undefined || client === undefined
        || (client.timestamp ?? 0) < (server.timestamp ?? 0) || endOf(client) > endOf(server));
      const timestamps = spans.map((span) => span.timestamp ?? 0);
      const wholeMilliseconds = timestamps.filter((timestamp) => timestamp % 1000 === 0).length;
      process.stdout.write(`microsecond clock: ${byTrace.size} pairs, ${outside.length} outside, ${wholeMilliseconds} of ${timestamps.length} timestamps on a whole ms; sample ${JSON.stringify(spans[0])}\n`);
      expect({ pairs: byTrace.size, outside: outside.slice(0, 3) }).toEqual({ pairs: PAIRS, outside: [] });
      // With a microsecond clock about 1 in 1000 falls on a whole millisecond by chance.
      expect(wholeMilliseconds).toBeLessThan(timestamps.length / 10);
    }, 60_000);
  });

  describe('routes[].serviceName', () => {
    it.each([
      ['the ingress gateway for a route on ingressGateway.url', '/api/x', 'istio-ingressgateway'],
      ["the route's host for a route with its own upstream", '/own/x', 'orders.internal'],
      ["the upstream URL's host when the route has no host", '/url/x', '127.0.0.1'],
      ['the configured name', '/named/x', 'reviews'],
    ])('should name the CLIENT remote endpoint %s', async (_case, path, serviceName) => {
      const answer = await send(`${gateway.url}${path}`);
      const [, client] = await waitForTrace(collector, String(answer.headers['x-trace-id']));
      expect(client.remoteEndpoint?.serviceName).toBe(serviceName);
    });
  });

  describe('tracing.responseTraceIdHeader', () => {
    it.each([
      ['a sampled 200', '/api/x', {}, 200],
      ['an unsampled 200 (X-B3-Sampled: 0)', '/api/x', { 'x-b3-sampled': '0' }, 200],
      ["an upstream 503", '/api/status/503', {}, 503],
      ['our own 502', '/dead', {}, 502],
    ])('should carry the trace id on %s', async (_case, path, headers, status) => {
      const before = upstream.requests.length;
      const answer = await send(`${gateway.url}${path}`, { headers: { ...headers, 'x-trace-id': 'spoofed' } });
      const sentUpstream = upstream.requests.slice(before).map((r) => r.headers['x-b3-traceid']);
      expect({ status: answer.status, header: answer.headers['x-trace-id'] }).toEqual({ status, header: expect.stringMatching(/^[0-9a-f]{32}$/) as string });
      if (sentUpstream.length > 0) expect(sentUpstream).toEqual([answer.headers['x-trace-id']]);
    });

    it('should not invent one for an answer given before a route matched', async () => {
      const answer = await send(`${gateway.url}/nowhere`);
      expect({ status: answer.status, header: answer.headers['x-trace-id'] }).toEqual({ status: 404, header: undefined });
    });
  });

  describe('static and request-header tags', () => {
    it('should tag every exported span with tracing.staticTags and OTEL_RESOURCE_ATTRIBUTES (the variable winning), never service.name or telemetry.sdk.*', async () => {
      const answer = await send(`${gateway.url}/api/tags`);
      const spans = await waitForTrace(collector, String(answer.headers['x-trace-id']));
      expect(spans.map((span) => ({ env: span.tags?.env, cluster: span.tags?.cluster, team: span.tags?.team, local: span.localEndpoint?.serviceName }))).toEqual([
        { env: 'prod', cluster: 'edge-1', team: 'edge ops', local: 'external-proxy' },
        { env: 'prod', cluster: 'edge-1', team: 'edge ops', local: 'external-proxy' },
      ]);
      expect(spans.flatMap((span) => Object.keys(span.tags ?? {})).filter((key) => key === 'service.name' || key.startsWith('telemetry.'))).toEqual([]);
    });

    it('should tag the SERVER span with tracing.requestHeaderTags, cutting long values', async () => {
      const answer = await send(`${gateway.url}/api/tenant`, { headers: { 'x-tenant-id': 'acme', 'x-long': 'v'.repeat(1000) } });
      const [server, client] = await waitForTrace(collector, String(answer.headers['x-trace-id']));
      expect({ tenant: server.tags?.tenant, long: server.tags?.long?.length, clientTenant: client.tags?.tenant }).toEqual({ tenant: 'acme', long: 256, clientTenant: undefined });
    });
  });
});

describe('trace controls (gateway process: W3C Level 2, per-route ratio, debug not honoured)', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ upstream, collector } = await startStandIns());
    gateway = await startGateway(gatewayEnv(
      {
        upstream,
        collector,
        routes: [
          { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' },
          { name: 'rare', path: '/rare/', prefix: true, upstreamPath: '/', samplerArg: 0 },
        ],
        config: { tracing: { propagators: ['b3multi', 'tracecontext'], sampler: 'parentbased_traceidratio', samplerArg: 1, honorDebug: false } },
      },
      { OTEL_BSP_SCHEDULE_DELAY: '50', TRACE_ID_RESPONSE_HEADER: 'x-trace-id' },
    ));
  });

  afterAll(async () => {
    await gateway.stop();
    await closeStandIns({ upstream, collector });
  });

  /** What the upstream received for one request through the gateway. */
  async function forwarded(path: string, headers: Record<string, string> = {}): Promise<Record<string, string | string[] | undefined>> {
    const before = upstream.requests.length;
    await send(`${gateway.url}${path}`, { headers });
    await upstream.waitForRequests(before + 1);
    return upstream.requests[before].headers;
  }

  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const CALLER = '00f067aa0ba902b7';

  it.each([
    ['a W3C caller with the random flag (03) keeps it', { traceparent: `00-${TRACE}-${CALLER}-03` }, '03'],
    ['a W3C caller without it (01) does not get it', { traceparent: `00-${TRACE}-${CALLER}-01` }, '01'],
    ['a B3 caller (randomness unknown) gets no random flag', { 'x-b3-traceid': TRACE, 'x-b3-spanid': CALLER, 'x-b3-sampled': '1' }, '01'],
    ['a trace we start (our random ids) gets the random flag', {}, '03'],
  ])('should propagate the Level 2 random-trace-id flag: %s', async (_case, headers, flags) => {
    const received = await forwarded('/api/w3c', headers);
    expect(String(received.traceparent).split('-')[3]).toBe(flags);
  });

  it('should keep a Level 2 tracestate (keys like foo@ and 256-character keys) with its traceparent', async () => {
    const longKey = `${'t'.repeat(254)}@v`;
    const tracestate = `foo@=1,${longKey}=2,congo=t61rcWkgMzE`;
    const received = await forwarded('/api/state', { traceparent: `00-${TRACE}-${CALLER}-01`, tracestate });
    expect(received.tracestate).toBe(tracestate);
  });

  it('should sample a route with samplerArg 0 never on its own, yet honour a caller who says sampled', async () => {
    const own = await send(`${gateway.url}/rare/x`);
    const decided = await forwarded('/rare/y', { 'x-b3-traceid': '5af7183fb1d4cf5f6b221d5bc9e6496c', 'x-b3-spanid': CALLER, 'x-b3-sampled': '1' });
    const other = await send(`${gateway.url}/api/z`);
    await waitForTrace(collector, String(other.headers['x-trace-id']));
    await waitForTrace(collector, '5af7183fb1d4cf5f6b221d5bc9e6496c');
    expect({
      ownExported: v2SpansOf(collector).filter((span) => span.traceId === own.headers['x-trace-id']).length,
      decidedSentUpstream: decided['x-b3-sampled'],
    }).toEqual({ ownExported: 0, decidedSentUpstream: '1' });
  });

  it('should read a debug flag as "sampled" when honorDebug is false: neither exported nor propagated as debug', async () => {
    const traceId = '6b221d5bc9e6496c5af7183fb1d4cf5f';
    const received = await forwarded('/api/debug', { 'x-b3-traceid': traceId, 'x-b3-spanid': CALLER, 'x-b3-flags': '1' });
    const spans = await waitForTrace(collector, traceId);
    expect({ flags: received['x-b3-flags'], sampled: received['x-b3-sampled'], debug: spans.map((span) => span.debug === true) })
      .toEqual({ flags: undefined, sampled: '1', debug: [false, false] });
  });
});
