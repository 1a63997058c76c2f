import { SpanKind, SpanStatusCode, TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { ZIPKIN_DEBUG_ATTRIBUTE } from '../sdk/gateway-sampler';
import { StandInCollector } from './reporter/testing/stand-in-collector';
import { toZipkinSpan } from './to-zipkin-span';
import type { ZipkinEndpoint, ZipkinSpan } from './zipkin-span';

const TRACE_ID_128 = '5af7183fb1d4cf5f6b221d5bc9e6496c';
const TRACE_ID_64 = '6b221d5bc9e6496c';
const CALLER_ID = 'a2fb4a1d1a96d312';
const SPAN_ID = '352bff9a74ca9ad2';
/** 2019-04-30T06:02:52.355737Z; the span lasts 1431 µs. */
const START: HrTime = [1556604172, 355737000];
const START_US = 1556604172355737;
const END: HrTime = [1556604172, 357168000];
const DURATION: HrTime = [0, 1431000];
const LOCAL: ZipkinEndpoint = { serviceName: 'external-proxy', ipv4: '10.1.2.3', port: 8080 };

interface SpanOverrides extends Partial<Omit<ReadableSpan, 'spanContext'>> {
  readonly context?: Partial<SpanContext>;
}

/** A finished gateway SERVER span with fixed ids and times, as the SDK hands it to a span processor. */
function makeReadableSpan({ context, ...overrides }: SpanOverrides = {}): ReadableSpan {
  const spanContext: SpanContext = { traceId: TRACE_ID_128, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, ...context };
  return {
    name: 'GET /api/orders/{id}',
    kind: SpanKind.SERVER,
    spanContext: () => spanContext,
    parentSpanContext: { traceId: spanContext.traceId, spanId: CALLER_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true },
    startTime: START,
    endTime: END,
    duration: DURATION,
    status: { code: SpanStatusCode.UNSET },
    attributes: { 'http.method': 'GET', 'http.path': '/api/orders/42', 'network.peer.address': '172.19.0.2', 'network.peer.port': 58648 },
    links: [],
    events: [],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': 'external-proxy' }),
    instrumentationScope: { name: 'external-proxy' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

/** The V2 span of makeReadableSpan(). */
const SERVER: ZipkinSpan = {
  traceId: TRACE_ID_128,
  id: SPAN_ID,
  parentId: CALLER_ID,
  name: 'get /api/orders/{id}',
  kind: 'SERVER',
  timestamp: START_US,
  duration: 1431,
  localEndpoint: LOCAL,
  remoteEndpoint: { ipv4: '172.19.0.2', port: 58648 },
  tags: { 'http.method': 'GET', 'http.path': '/api/orders/42' },
};

const event = (name: string, time: HrTime): TimedEvent => ({ name, time });

describe(toZipkinSpan.name, () => {
  it.each<[string, ReadableSpan, ZipkinSpan]>([
    ['a SERVER span with the caller as remote endpoint', makeReadableSpan(), SERVER],
    ['a CLIENT span with the upstream service, address and port', makeReadableSpan({
      kind: SpanKind.CLIENT,
      parentSpanContext: { traceId: TRACE_ID_128, spanId: 'c0ffee0ddba11f00', traceFlags: TraceFlags.SAMPLED },
      attributes: { 'http.method': 'GET', 'http.status_code': 200, 'peer.service': 'istio-ingressgateway', 'network.peer.address': '10.2.0.7', 'network.peer.port': 80 },
    }), {
      ...SERVER, parentId: 'c0ffee0ddba11f00', kind: 'CLIENT',
      remoteEndpoint: { serviceName: 'istio-ingressgateway', ipv4: '10.2.0.7', port: 80 },
      tags: { 'http.method': 'GET', 'http.status_code': '200' },
    }],
    ['an IPv6 remote address', makeReadableSpan({ attributes: { 'network.peer.address': '2001:db8::7', 'network.peer.port': 443 } }),
      { ...SERVER, remoteEndpoint: { ipv6: '2001:db8::7', port: 443 }, tags: undefined }],
    ['the IPv6 loopback', makeReadableSpan({ attributes: { 'network.peer.address': '::1' } }),
      { ...SERVER, remoteEndpoint: { ipv6: '::1' }, tags: undefined }],
    ['an IPv4-mapped IPv6 address as IPv4', makeReadableSpan({ attributes: { 'network.peer.address': '::ffff:172.19.0.2', 'network.peer.port': 58648 } }),
      { ...SERVER, tags: undefined }],
    ['an IPv4-mapped IPv6 address in upper case as IPv4', makeReadableSpan({ attributes: { 'network.peer.address': '::FFFF:172.19.0.2' } }),
      { ...SERVER, remoteEndpoint: { ipv4: '172.19.0.2' }, tags: undefined }],
    ['a service name alone', makeReadableSpan({ attributes: { 'peer.service': 'orders' } }),
      { ...SERVER, remoteEndpoint: { serviceName: 'orders' }, tags: undefined }],
    ['a port alone', makeReadableSpan({ attributes: { 'network.peer.port': 65535 } }),
      { ...SERVER, remoteEndpoint: { port: 65535 }, tags: undefined }],
    ['port 0 left out (V2 forbids it)', makeReadableSpan({ attributes: { 'network.peer.address': '10.0.0.1', 'network.peer.port': 0 } }),
      { ...SERVER, remoteEndpoint: { ipv4: '10.0.0.1' }, tags: undefined }],
    ['a port above 65535 left out', makeReadableSpan({ attributes: { 'network.peer.address': '10.0.0.1', 'network.peer.port': 65536 } }),
      { ...SERVER, remoteEndpoint: { ipv4: '10.0.0.1' }, tags: undefined }],
    ['a port given as a string left out', makeReadableSpan({ attributes: { 'network.peer.address': '10.0.0.1', 'network.peer.port': '8080' } }),
      { ...SERVER, remoteEndpoint: { ipv4: '10.0.0.1' }, tags: undefined }],
    ['an address that is no IP and an empty service name: no remote endpoint', makeReadableSpan({ attributes: { 'network.peer.address': 'gw.local', 'peer.service': '' } }),
      { ...SERVER, remoteEndpoint: undefined, tags: undefined }],
    ['no endpoint attributes: no remote endpoint', makeReadableSpan({ attributes: { 'http.method': 'POST' } }),
      { ...SERVER, remoteEndpoint: undefined, tags: { 'http.method': 'POST' } }],
    ['no attributes: neither tags nor remote endpoint', makeReadableSpan({ attributes: {} }),
      { ...SERVER, remoteEndpoint: undefined, tags: undefined }],
    ['tags of every attribute type as strings', makeReadableSpan({ attributes: { s: 'x', n: 1.5, b: false, list: ['a', 'b'], nums: [1, 2], gone: undefined } }),
      { ...SERVER, remoteEndpoint: undefined, tags: { s: 'x', n: '1.5', b: 'false', list: '["a","b"]', nums: '[1,2]' } }],
    ['the debug attribute as debug: true, not as a tag', makeReadableSpan({ attributes: { [ZIPKIN_DEBUG_ATTRIBUTE]: true, 'http.method': 'GET' } }),
      { ...SERVER, debug: true, remoteEndpoint: undefined, tags: { 'http.method': 'GET' } }],
    ['a false debug attribute as nothing', makeReadableSpan({ attributes: { [ZIPKIN_DEBUG_ATTRIBUTE]: false } }),
      { ...SERVER, remoteEndpoint: undefined, tags: undefined }],
    ['events as annotations', makeReadableSpan({ events: [event('wr', [1556604172, 355800000]), event('ws', [1556604172, 356000000])] }),
      { ...SERVER, annotations: [{ timestamp: START_US + 63, value: 'wr' }, { timestamp: START_US + 263, value: 'ws' }] }],
    ['a 64-bit trace id at 16 hex', makeReadableSpan({ context: { traceId: `0000000000000000${TRACE_ID_64}` } }),
      { ...SERVER, traceId: TRACE_ID_64 }],
    ['a root span without parentId', makeReadableSpan({ parentSpanContext: undefined }),
      { ...SERVER, parentId: undefined }],
    ['an INTERNAL span without kind', makeReadableSpan({ kind: SpanKind.INTERNAL }), { ...SERVER, kind: undefined }],
    ['a PRODUCER span', makeReadableSpan({ kind: SpanKind.PRODUCER }), { ...SERVER, kind: 'PRODUCER' }],
    ['a CONSUMER span', makeReadableSpan({ kind: SpanKind.CONSUMER }), { ...SERVER, kind: 'CONSUMER' }],
    ['a name in lower case', makeReadableSpan({ name: 'POST /Orders/ABC' }), { ...SERVER, name: 'post /orders/abc' }],
    ['a zero duration as 1 µs', makeReadableSpan({ endTime: START, duration: [0, 0] }), { ...SERVER, duration: 1 }],
    ['a sub-microsecond duration as 1 µs', makeReadableSpan({ endTime: [1556604172, 355737400], duration: [0, 400] }), { ...SERVER, duration: 1 }],
  ])('should map %s', (_case, span, expected) => {
    const withoutUndefined = Object.fromEntries(Object.entries(expected).filter(([, value]) => value !== undefined));
    expect(toZipkinSpan(span, LOCAL)).toEqual(withoutUndefined);
  });

  it.each<[string, [number, number], [number, number], [number, number], [number, number]]>([
    // Each pair: SERVER start/end, CLIENT start/end, on one clock, the CLIENT inside the SERVER.
    ['starts and ends in different microseconds', [1556604172, 355737900], [1556604172, 357168100], [1556604172, 355738100], [1556604172, 357167900]],
    ['the CLIENT ending 100 ns before the SERVER, in the same microsecond', [1556604172, 355737000], [1556604172, 357168400], [1556604172, 355737500], [1556604172, 357168300]],
    ['both starting in the same microsecond', [1556604172, 355737100], [1556604172, 355800000], [1556604172, 355737900], [1556604172, 355799999]],
  ])('should keep a CLIENT span within its SERVER span after rounding to microseconds: %s', (_case, serverStart, serverEnd, clientStart, clientEnd) => {
    const server = toZipkinSpan(makeReadableSpan({ startTime: serverStart, endTime: serverEnd }), LOCAL);
    const client = toZipkinSpan(makeReadableSpan({ kind: SpanKind.CLIENT, startTime: clientStart, endTime: clientEnd }), LOCAL);
    const end = (span: ZipkinSpan): number => (span.timestamp ?? 0) + (span.duration ?? 0);
    expect({ startsWithin: (client.timestamp ?? 0) >= (server.timestamp ?? 0), endsWithin: end(client) <= end(server) }).toEqual({ startsWithin: true, endsWithin: true });
  });

  it.each<[string, Record<string, string> | undefined, Record<string, string>]>([
    ['no static tags', undefined, { 'http.method': 'GET', 'http.path': '/api/orders/42' }],
    ['static tags beside the span\'s own', { env: 'prod', cluster: 'edge-1' }, { env: 'prod', cluster: 'edge-1', 'http.method': 'GET', 'http.path': '/api/orders/42' }],
    ['the span\'s own value winning over a static tag of the same name', { 'http.method': 'STATIC', env: 'prod' }, { 'http.method': 'GET', env: 'prod', 'http.path': '/api/orders/42' }],
  ])('should write %s', (_case, staticTags, expected) => {
    expect(toZipkinSpan(makeReadableSpan(), LOCAL, staticTags).tags).toEqual(expected);
  });

  it('should omit the undefined optional fields instead of writing them as undefined', () => {
    const zipkin = toZipkinSpan(makeReadableSpan({ parentSpanContext: undefined, kind: SpanKind.INTERNAL, attributes: {} }), LOCAL);
    expect(Object.keys(zipkin).sort()).toEqual(['duration', 'id', 'localEndpoint', 'name', 'timestamp', 'traceId']);
  });

  // V2 JSON and proto3 declare timestamp/duration as int64 µs; the encoders write these numbers as they are.
  it('should write whole microseconds when the SDK clock has sub-microsecond nanoseconds', () => {
    const zipkin = toZipkinSpan(makeReadableSpan({
      startTime: [1556604172, 355737500],
      endTime: [1556604172, 357169000],
      duration: [0, 1431500],
      events: [event('wr', [1556604172, 355800250])],
    }), LOCAL);
    const times = { timestamp: zipkin.timestamp, duration: zipkin.duration, annotations: zipkin.annotations?.map((a) => a.timestamp) };
    expect([times.timestamp, times.duration, ...(times.annotations ?? [])].filter((value) => !Number.isInteger(value))).toEqual([]);
  });

  describe('against @opentelemetry/exporter-zipkin (an implementation nobody here wrote)', () => {
    let collector: StandInCollector;
    beforeAll(async () => {
      collector = await StandInCollector.start();
    });
    afterAll(() => collector.close());

    /** The span as the OpenTelemetry exporter puts it on the wire (its transform is not public API since 3.x). */
    async function exportThroughOtel(span: ReadableSpan): Promise<object[]> {
      const exporter = new ZipkinExporter({ url: collector.url('/api/v2/spans'), serviceName: 'external-proxy' });
      const before = collector.requests.length;
      const code = await new Promise<ExportResultCode>((resolve) => exporter.export([span], (result) => resolve(result.code)));
      await exporter.shutdown();
      expect(code).toBe(ExportResultCode.SUCCESS);
      return JSON.parse(collector.requests[before].body.toString('utf8')) as object[];
    }

    const PICKED = ['traceId', 'id', 'parentId', 'kind', 'timestamp', 'duration', 'annotations'] as const;
    const pick = (span: object) => {
      const record = span as Record<string, unknown>;
      return {
        ...Object.fromEntries(PICKED.map((key) => [key, record[key]])),
        localServiceName: (record.localEndpoint as ZipkinEndpoint | undefined)?.serviceName,
      };
    };

    // Differences by design, left out of the comparison: we lowercase the name (Zipkin convention), write a
    // 64-bit trace id at 16 hex, add remoteEndpoint and debug, and write no OpenTelemetry-specific tags.
    it.each<[string, ReadableSpan]>([
      ['a SERVER span', makeReadableSpan()],
      ['a CLIENT span', makeReadableSpan({ kind: SpanKind.CLIENT, attributes: { 'peer.service': 'istio-ingressgateway' } })],
      ['a root span', makeReadableSpan({ parentSpanContext: undefined })],
      ['an INTERNAL span', makeReadableSpan({ kind: SpanKind.INTERNAL })],
      ['a span with events', makeReadableSpan({ events: [event('wr', [1556604172, 355800000]), event('ws', [1556604172, 356000000])] })],
      ['a span with an error status', makeReadableSpan({ status: { code: SpanStatusCode.ERROR, message: 'boom' } })],
    ])('should agree on ids, kind, times, annotations and service name for %s', async (_case, span) => {
      const [exported] = await exportThroughOtel(span);
      expect(pick(toZipkinSpan(span, LOCAL))).toEqual(pick(exported));
    });
  });
});
