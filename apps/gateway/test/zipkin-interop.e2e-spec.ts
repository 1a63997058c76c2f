import { COLLECTOR_BEHAVIOURS, StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import {
  comparableFromJsonV1,
  comparableFromJsonV2,
  comparableFromProto3,
  comparableFromThrift,
  type ComparableSpan,
} from '../../../libs/tracing/src/zipkin/encoders/testing/comparable-span';
import { zipkinServerAnswer } from '../../../libs/tracing/src/zipkin/reporter/testing/zipkin-server-rules';
import type { ZipkinSpan } from '../../../libs/tracing/src/zipkin/zipkin-span';
import { gatewayEnv } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { sameTrace, ZipkinJsCaller, ZipkinJsMeshService, ZipkinJsReporter } from './support/zipkin-js-parties';

interface GatewayEncoding {
  readonly version: 'v1' | 'v2';
  readonly encoding: 'json' | 'thrift' | 'proto3';
  readonly path: string;
  readonly contentType: string;
  readonly decode: (body: Buffer) => ComparableSpan[];
}

const ENCODINGS: readonly GatewayEncoding[] = [
  { version: 'v1', encoding: 'json', path: '/api/v1/spans', contentType: 'application/json', decode: comparableFromJsonV1 },
  { version: 'v1', encoding: 'thrift', path: '/api/v1/spans', contentType: 'application/x-thrift', decode: comparableFromThrift },
  { version: 'v2', encoding: 'json', path: '/api/v2/spans', contentType: 'application/json', decode: comparableFromJsonV2 },
  { version: 'v2', encoding: 'proto3', path: '/api/v2/spans', contentType: 'application/x-protobuf', decode: comparableFromProto3 },
];

/** Each zipkin-js party posts to its own path on the collector, so its V2 JSON is never mistaken for the gateway's. */
const CALLER_SPANS_PATH = '/caller/api/v2/spans';
const MESH_SPANS_PATH = '/mesh/api/v2/spans';
const ZIPKIN_JS_PATHS: readonly string[] = [CALLER_SPANS_PATH, MESH_SPANS_PATH];
const HEX_64 = /^[0-9a-f]{16}$/;

interface TraceSpans {
  readonly caller: ZipkinSpan[];
  readonly gateway: ComparableSpan[];
  readonly mesh: ZipkinSpan[];
}

/** Every span of the trace each party reported so far; the gateway's read back with the independent decoders. */
function spansOf(collector: StandInCollector, encoding: GatewayEncoding, traceId: string): TraceSpans {
  const zipkinJs = (path: string): ZipkinSpan[] =>
    collector.requests.filter((r) => r.path === path).flatMap((r) => JSON.parse(r.body.toString()) as ZipkinSpan[]).filter((s) => sameTrace(s.traceId, traceId));
  const gateway = collector.requests
    .filter((r) => r.path === encoding.path && r.headers['content-type'] === encoding.contentType)
    .flatMap((r) => encoding.decode(r.body))
    .filter((s) => sameTrace(s.traceId, traceId))
    .sort((a, b) => String(b.kind).localeCompare(String(a.kind)));
  return { caller: zipkinJs(CALLER_SPANS_PATH), gateway, mesh: zipkinJs(MESH_SPANS_PATH) };
}

/** Waits until the caller's CLIENT, the gateway's SERVER and CLIENT (SERVER first) and the mesh's SERVER span arrived. */
async function waitForWholeTrace(collector: StandInCollector, encoding: GatewayEncoding, traceId: string): Promise<TraceSpans> {
  const whole = (): boolean => {
    const spans = spansOf(collector, encoding, traceId);
    return spans.caller.length >= 1 && spans.gateway.length >= 2 && spans.mesh.length >= 1;
  };
  await collector.waitFor(whole, 10_000);
  return spansOf(collector, encoding, traceId);
}

describe('zipkin-js interop (zipkin-js caller → gateway process → zipkin-js mesh service, one stand-in collector)', () => {
  let collector: StandInCollector;
  let callerReporter: ZipkinJsReporter;
  let meshReporter: ZipkinJsReporter;
  let caller: ZipkinJsCaller;
  let mesh: ZipkinJsMeshService;

  beforeAll(async () => {
    collector = await StandInCollector.start();
    // Answers as a Zipkin server: 202 only for the right path, Content-Type and body version (zipkin-js's too).
    collector.setMode(COLLECTOR_BEHAVIOURS.zipkin);
    callerReporter = new ZipkinJsReporter(collector.url(CALLER_SPANS_PATH));
    meshReporter = new ZipkinJsReporter(collector.url(MESH_SPANS_PATH));
    caller = new ZipkinJsCaller(callerReporter.recorder, 'outside-app', 'external-proxy');
    mesh = await new ZipkinJsMeshService(meshReporter.recorder, 'reviews').start();
  });

  afterAll(async () => {
    await mesh.close();
    await collector.close();
  });

  describe.each(ENCODINGS)('the gateway exporting $version $encoding', (encoding) => {
    let gateway: GatewayProcess;
    let checkoutUrl: string;
    /** Where this gateway's messages start in the collector's record (the gateways before it stopped, flushed). */
    let firstRequest: number;

    beforeAll(async () => {
      firstRequest = collector.requests.length;
      gateway = await startGateway(
        gatewayEnv(
          { upstream: mesh, collector, routes: [{ name: 'checkout', path: '/checkout', upstreamPath: '/reviews/1', methods: ['GET'] }] },
          { ZIPKIN_API_VERSION: encoding.version, ZIPKIN_ENCODING: encoding.encoding, OTEL_BSP_SCHEDULE_DELAY: '20' },
        ),
      );
      checkoutUrl = `${gateway.url}/checkout`;
    });

    afterAll(async () => {
      await gateway.stop();
    });

    it('should join one trace: caller CLIENT → gateway SERVER → gateway CLIENT → mesh SERVER sharing the gateway CLIENT id', async () => {
      const call = await caller.get(checkoutUrl, 'sampled');
      expect(call.status).toBe(200);
      const traceId = call.sentHeaders['x-b3-traceid'];
      const { caller: callerSpans, gateway: gatewaySpans, mesh: meshSpans } = await waitForWholeTrace(collector, encoding, traceId);
      const [callerClient] = callerSpans;
      const [server, client] = gatewaySpans;
      expect(callerSpans).toHaveLength(1);
      expect(callerClient).toMatchObject({ traceId, id: call.sentHeaders['x-b3-spanid'], kind: 'CLIENT', localEndpoint: { serviceName: 'outside-app' }, remoteEndpoint: { serviceName: 'external-proxy' } });
      expect(callerClient.parentId).toBeUndefined();
      expect(gatewaySpans).toHaveLength(2);
      expect(server).toMatchObject({ traceId, parentId: callerClient.id, kind: 'SERVER', name: 'get checkout', localEndpoint: { serviceName: 'external-proxy' } });
      expect(client).toMatchObject({ traceId, parentId: server.id, kind: 'CLIENT', name: 'get checkout', remoteEndpoint: { serviceName: 'istio-ingressgateway', port: mesh.port } });
      expect(new Set([callerClient.id, server.id, client.id]).size).toBe(3);
      expect(mesh.receivedFor(traceId)).toMatchObject({ 'x-b3-traceid': traceId, 'x-b3-spanid': client.id, 'x-b3-parentspanid': server.id, 'x-b3-sampled': '1' });
      // zipkin-js's Tracer.join (supportsJoin defaults to true) keeps the span id it received: the mesh SERVER span
      // is the other half of the gateway's CLIENT span, marked shared because a sampling decision came with it.
      expect(meshSpans).toEqual([expect.objectContaining({ traceId, id: client.id, parentId: server.id, kind: 'SERVER', shared: true, localEndpoint: expect.objectContaining({ serviceName: 'reviews' }) as object })]);
      const gatewayRequests = collector.requests.slice(firstRequest).filter((r) => !ZIPKIN_JS_PATHS.includes(r.path));
      expect(new Set(gatewayRequests.map((r) => `${r.path} ${String(r.headers['content-type'])}`))).toEqual(new Set([`${encoding.path} ${encoding.contentType}`]));
      // Every message, the gateway's and zipkin-js's, is one a Zipkin server accepts with 202.
      const answers = collector.requests.slice(firstRequest).map((r) => ({ path: r.path, answer: zipkinServerAnswer(r.path, r.headers['content-type'], r.body) }));
      expect(answers.filter(({ answer }) => answer.status !== 202)).toEqual([]);
      expect([...callerReporter.errors, ...meshReporter.errors]).toEqual([]);
    });

    it("should keep the caller's 64-bit trace id as 16 hex characters in every span and header", async () => {
      const call = await caller.get(checkoutUrl, 'sampled');
      const traceId = call.sentHeaders['x-b3-traceid'];
      expect(traceId).toMatch(HEX_64);
      const spans = await waitForWholeTrace(collector, encoding, traceId);
      const traceIds = [...spans.caller, ...spans.gateway, ...spans.mesh].map((span) => span.traceId);
      expect(traceIds).toEqual([traceId, traceId, traceId, traceId]);
      expect(mesh.receivedFor(traceId)?.['x-b3-traceid']).toBe(traceId);
    });

    it("should export nothing from the gateway or the mesh when the caller's sampler says no (X-B3-Sampled: 0)", async () => {
      const unsampled = await caller.get(checkoutUrl, 'unsampled');
      expect(unsampled.status).toBe(200);
      const traceId = unsampled.sentHeaders['x-b3-traceid'];
      expect(unsampled.sentHeaders['x-b3-sampled']).toBe('0');
      expect(mesh.receivedFor(traceId)).toMatchObject({ 'x-b3-traceid': traceId, 'x-b3-sampled': '0' });
      // A later sampled trace arrives from all three; each reports in order, so the unsampled one would have by then.
      const sampled = await caller.get(checkoutUrl, 'sampled');
      await waitForWholeTrace(collector, encoding, sampled.sentHeaders['x-b3-traceid']);
      expect(spansOf(collector, encoding, traceId)).toEqual({ caller: [], gateway: [], mesh: [] });
    });

    it("should export debug spans from the gateway when the caller sets zipkin-js's debug flag (X-B3-Flags: 1)", async () => {
      const call = await caller.get(checkoutUrl, 'debug');
      expect(call.status).toBe(200);
      const traceId = call.sentHeaders['x-b3-traceid'];
      expect(call.sentHeaders['x-b3-flags']).toBe('1');
      const spans = await waitForWholeTrace(collector, encoding, traceId);
      expect(spans.gateway.map((span) => [span.kind, span.debug])).toEqual([['SERVER', true], ['CLIENT', true]]);
      expect(mesh.receivedFor(traceId)?.['x-b3-flags']).toBe('1');
      expect([...spans.caller, ...spans.mesh].map((span) => [span.kind, span.debug])).toEqual([['CLIENT', true], ['SERVER', true]]);
    });
  });
});
