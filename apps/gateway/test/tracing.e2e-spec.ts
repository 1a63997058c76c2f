import type { StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { validateV2Spans } from '../../../libs/tracing/src/zipkin/encoders/testing/zipkin-schemas';
import { waitForTrace, v2SpansOf } from './support/collected-spans';
import { closeStandIns, gatewayEnv, startStandIns } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import type { StandInUpstream } from './support/stand-in-upstream';

const CALLER_TRACE_128 = '463ac35c9f6413ad48485a3953bb6124';
const CALLER_SPAN = 'a2fb4a1d1a96d312';
const CALLER_PARENT = '0020000000000001';

let traceCounter = 0;
/** A fresh caller trace id per test, so spans of earlier tests never match. */
function uniqueTraceId(length: 16 | 32): string {
  traceCounter += 1;
  return `${'7'.repeat(length - 8)}${traceCounter.toString(16).padStart(8, '0')}`;
}

describe('tracing (gateway process, stand-in upstream and collector)', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ upstream, collector } = await startStandIns());
    gateway = await startGateway(
      gatewayEnv(
        { upstream, collector, routes: [{ name: 'productpage', path: '/', upstreamPath: '/productpage', methods: ['GET'] }, { name: 'api', path: '/api', prefix: true, upstreamPath: '/' }] },
        { OTEL_BSP_SCHEDULE_DELAY: '20' },
      ),
    );
  });

  afterAll(async () => {
    await gateway.stop();
    await closeStandIns({ upstream, collector });
  });

  /** Sends one request and returns what the upstream received for it. */
  async function proxied(path: string, headers: Record<string, string> = {}): Promise<{ status: number; upstreamHeaders: Record<string, string | string[] | undefined>; body: string }> {
    const before = upstream.requests.length;
    const answer = await send(`${gateway.url}${path}`, { headers });
    await upstream.waitForRequests(before + 1);
    return { status: answer.status, upstreamHeaders: upstream.requests[before].headers, body: answer.body };
  }

  describe('a request without trace headers', () => {
    it('should start a 128-bit trace and send our CLIENT span id upstream with our SERVER span as parent', async () => {
      const { status, upstreamHeaders } = await proxied('/?q=1');
      expect(status).toBe(200);
      const traceId = String(upstreamHeaders['x-b3-traceid']);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const [server, client] = await waitForTrace(collector, traceId);
      expect(upstreamHeaders).toMatchObject({ 'x-b3-spanid': client.id, 'x-b3-parentspanid': server.id, 'x-b3-sampled': '1' });
      expect(upstreamHeaders['x-b3-flags']).toBeUndefined();
      const bothSpans = { traceId, name: 'get productpage', timestamp: expect.any(Number) as number, duration: expect.any(Number) as number, localEndpoint: { serviceName: 'external-proxy' } };
      expect(server).toEqual({
        ...bothSpans,
        id: server.id,
        kind: 'SERVER',
        remoteEndpoint: { ipv4: '127.0.0.1', port: expect.any(Number) as number },
        tags: {
          'http.method': 'GET',
          'http.path': '/',
          'http.route': '/',
          'http.status_code': '200',
          'guid:x-request-id': expect.any(String) as string,
        },
      });
      expect(client).toEqual({
        ...bothSpans,
        id: client.id,
        parentId: server.id,
        kind: 'CLIENT',
        remoteEndpoint: { serviceName: 'istio-ingressgateway', ipv4: '127.0.0.1', port: upstream.port },
        tags: { 'http.method': 'GET', 'http.path': '/productpage', 'http.route': '/', 'http.status_code': '200' },
      });
      expect(client.id).not.toBe(server.id);
      expect(client.timestamp).toBeGreaterThanOrEqual(server.timestamp ?? 0);
      // The CLIENT span (upstream call) ends within its parent, the SERVER span (the whole response).
      expect((client.timestamp ?? 0) + (client.duration ?? 0)).toBeLessThanOrEqual((server.timestamp ?? 0) + (server.duration ?? 0));
    });

    it('should export spans that validate against the published zipkin2-api.yaml schema', async () => {
      const { upstreamHeaders } = await proxied('/');
      await waitForTrace(collector, String(upstreamHeaders['x-b3-traceid']));
      for (const request of collector.requests) {
        expect(request.path).toBe('/api/v2/spans');
        expect(request.headers['content-type']).toBe('application/json');
        expect(validateV2Spans(JSON.parse(request.body.toString()))).toEqual([]);
      }
    });
  });

  describe('a caller that sends B3', () => {
    type CallerHeaders = (trace128: string, trace64: string) => Record<string, string>;
    it.each<[string, CallerHeaders, 128 | 64]>([
      ['multi, sampled', (t) => ({ 'x-b3-traceid': t, 'x-b3-spanid': CALLER_SPAN, 'x-b3-parentspanid': CALLER_PARENT, 'x-b3-sampled': '1' }), 128],
      ['multi, no decision (deferred)', (t) => ({ 'x-b3-traceid': t, 'x-b3-spanid': CALLER_SPAN }), 128],
      ['multi, 64-bit trace id', (_, t64) => ({ 'x-b3-traceid': t64, 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '1' }), 64],
      ['single', (t) => ({ b3: `${t}-${CALLER_SPAN}-1-${CALLER_PARENT}` }), 128],
      ['single winning over multi', (t, t64) => ({ b3: `${t64}-${CALLER_SPAN}-1`, 'x-b3-traceid': t, 'x-b3-spanid': 'ffffffffffffffff' }), 64],
      ['W3C traceparent', (t) => ({ traceparent: `00-${t}-${CALLER_SPAN}-01` }), 128],
      ['upper-case header names and hex', (t) => ({ 'X-B3-TRACEID': t.toUpperCase(), 'X-B3-SPANID': CALLER_SPAN.toUpperCase(), 'X-B3-SAMPLED': '1' }), 128],
    ])('should continue the trace (%s): our SERVER span is a child of the caller span', async (_case, headersFor, bits) => {
      const trace64 = uniqueTraceId(16);
      const trace128 = uniqueTraceId(32);
      const expectedTraceId = bits === 64 ? trace64 : trace128;
      const { upstreamHeaders } = await proxied('/', headersFor(trace128, trace64));
      expect(upstreamHeaders['x-b3-traceid']).toBe(expectedTraceId);
      expect(upstreamHeaders.b3).toBeUndefined();
      const [server, client] = await waitForTrace(collector, expectedTraceId);
      expect(server.parentId).toBe(CALLER_SPAN);
      expect(client.parentId).toBe(server.id);
      expect(upstreamHeaders).toMatchObject({ 'x-b3-spanid': client.id, 'x-b3-parentspanid': server.id, 'x-b3-sampled': '1' });
    });

    it('should honour X-B3-Sampled: 0: ids still propagated with sampled 0, nothing exported', async () => {
      const traceId = uniqueTraceId(32);
      const { upstreamHeaders } = await proxied('/', { 'x-b3-traceid': traceId, 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '0' });
      expect(upstreamHeaders).toMatchObject({ 'x-b3-traceid': traceId, 'x-b3-sampled': '0' });
      expect(upstreamHeaders['x-b3-spanid']).toMatch(/^[0-9a-f]{16}$/);
      expect(upstreamHeaders['x-b3-parentspanid']).toMatch(/^[0-9a-f]{16}$/);
      // A later sampled request is exported; by then the unsampled one would have been too.
      const { upstreamHeaders: later } = await proxied('/');
      await waitForTrace(collector, String(later['x-b3-traceid']));
      expect(v2SpansOf(collector).filter((span) => span.traceId === traceId)).toEqual([]);
    });

    it('should treat X-B3-Flags: 1 as debug: always sampled, sent as Flags, exported with debug: true', async () => {
      const traceId = uniqueTraceId(32);
      const { upstreamHeaders } = await proxied('/', { 'x-b3-traceid': traceId, 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '0', 'x-b3-flags': '1' });
      expect(upstreamHeaders['x-b3-flags']).toBe('1');
      expect(upstreamHeaders['x-b3-sampled']).toBeUndefined();
      const spans = await waitForTrace(collector, traceId);
      expect(spans.map((span) => span.debug)).toEqual([true, true]);
    });

    it.each([
      ['a malformed b3 single header', { b3: 'not-a-trace' }],
      ['a wrong-length trace id', { 'x-b3-traceid': '123', 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '1' }],
      ['an all-zero span id', { 'x-b3-traceid': CALLER_TRACE_128, 'x-b3-spanid': '0000000000000000', 'x-b3-sampled': '1' }],
      ['a malformed traceparent', { traceparent: `00-${CALLER_TRACE_128}-${CALLER_SPAN}-01-extra` }],
    ])('should start a new root for %s and forward nothing malformed', async (_case, headers) => {
      const { status, upstreamHeaders } = await proxied('/', headers);
      expect(status).toBe(200);
      expect(upstreamHeaders['x-b3-traceid']).toMatch(/^[0-9a-f]{32}$/);
      expect(upstreamHeaders['x-b3-traceid']).not.toBe(CALLER_TRACE_128);
      expect(upstreamHeaders.b3).toBeUndefined();
      expect(upstreamHeaders.traceparent).toBeUndefined();
      const [server] = await waitForTrace(collector, String(upstreamHeaders['x-b3-traceid']));
      expect(server.parentId).toBeUndefined();
    });
  });

  describe('failures', () => {
    it('should tag both spans with error when the upstream answers 5xx', async () => {
      const { status, upstreamHeaders } = await proxied('/api/status/503');
      expect(status).toBe(503);
      const [server, client] = await waitForTrace(collector, String(upstreamHeaders['x-b3-traceid']));
      expect(server.tags).toMatchObject({ 'http.status_code': '503', error: '503', 'http.route': '/api' });
      expect(client.tags).toMatchObject({ 'http.status_code': '503', error: '503', 'http.path': '/status/503' });
    });
  });

  describe('ops endpoints', () => {
    it('should never trace health and metrics requests', async () => {
      const spansBefore = v2SpansOf(collector).length;
      await send(`${gateway.adminUrl}/health/ready`);
      await send(`${gateway.adminUrl}/metrics`);
      const { upstreamHeaders } = await proxied('/');
      await waitForTrace(collector, String(upstreamHeaders['x-b3-traceid']));
      expect(v2SpansOf(collector).length - spansBefore).toBe(2);
    });
  });
});
