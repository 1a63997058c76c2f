import { COLLECTOR_BEHAVIOURS, StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import {
  comparableFromJsonV1,
  comparableFromJsonV2,
  comparableFromProto3,
  comparableFromThrift,
  type ComparableSpan,
} from '../../../libs/tracing/src/zipkin/encoders/testing/comparable-span';
import { validateV1Spans, validateV2Spans } from '../../../libs/tracing/src/zipkin/encoders/testing/zipkin-schemas';
import { startGateway } from './support/gateway-process';
import { send } from './support/http-client';
import { StandInUpstream } from './support/stand-in-upstream';

interface EncodingCase {
  readonly version: 'v1' | 'v2';
  readonly encoding: 'json' | 'thrift' | 'proto3';
  readonly path: string;
  readonly contentType: string;
  readonly decode: (body: Buffer) => ComparableSpan[];
  readonly validate?: (body: Buffer) => string[];
}

const CASES: readonly EncodingCase[] = [
  { version: 'v2', encoding: 'json', path: '/api/v2/spans', contentType: 'application/json', decode: comparableFromJsonV2, validate: (b) => validateV2Spans(JSON.parse(b.toString())) },
  { version: 'v2', encoding: 'proto3', path: '/api/v2/spans', contentType: 'application/x-protobuf', decode: comparableFromProto3 },
  { version: 'v1', encoding: 'json', path: '/api/v1/spans', contentType: 'application/json', decode: comparableFromJsonV1, validate: (b) => validateV1Spans(JSON.parse(b.toString())) },
  { version: 'v1', encoding: 'thrift', path: '/api/v1/spans', contentType: 'application/x-thrift', decode: comparableFromThrift },
];

const CALLER_SPAN = 'a2fb4a1d1a96d312';

describe('export in every encoding (gateway process, collector answering as a Zipkin server)', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;
  const contentByEncoding = new Map<string, ComparableSpan[]>();

  beforeAll(async () => {
    upstream = await new StandInUpstream().start();
    collector = await StandInCollector.start();
    collector.setMode(COLLECTOR_BEHAVIOURS.zipkin);
  });

  afterAll(async () => {
    await upstream.close();
    await collector.close();
  });

  it.each(CASES)('should export $version $encoding to $path as $contentType, decoded ids matching the upstream B3 headers', async (testCase) => {
    const gateway = await startGateway({
      INGRESS_GATEWAY_URL: upstream.url,
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: collector.baseUrl,
      ZIPKIN_API_VERSION: testCase.version,
      ZIPKIN_ENCODING: testCase.encoding,
      OTEL_BSP_SCHEDULE_DELAY: '20',
    });
    try {
      const traceId = `${testCase.version === 'v1' ? '1' : '2'}${testCase.encoding.length}`.padEnd(32, 'e');
      const before = upstream.requests.length;
      const answer = await send(`${gateway.url}/`, { headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '1', 'x-request-id': 'enc-1' } });
      expect(answer.status).toBe(200);
      await upstream.waitForRequests(before + 1);
      const b3 = upstream.requests[before].headers;
      const requests = await collector.waitFor((all) => all.some((r) => r.headers['content-type'] === testCase.contentType && testCase.decode(r.body).filter((s) => s.traceId === traceId).length === 2), 5000);
      const message = requests.find((r) => r.headers['content-type'] === testCase.contentType && testCase.decode(r.body).some((s) => s.traceId === traceId));
      expect(message?.path).toBe(testCase.path);
      expect(message?.headers['content-encoding']).toBe('gzip');
      const body = message?.body ?? Buffer.alloc(0);
      expect(testCase.validate?.(body) ?? []).toEqual([]);
      const spans = testCase.decode(body).filter((s) => s.traceId === traceId);
      const server = spans.find((s) => s.kind === 'SERVER');
      const client = spans.find((s) => s.kind === 'CLIENT');
      expect(server).toMatchObject({ traceId, parentId: CALLER_SPAN, id: b3['x-b3-parentspanid'], name: 'get productpage', localEndpoint: { serviceName: 'external-proxy' } });
      expect(client).toMatchObject({ traceId, parentId: b3['x-b3-parentspanid'], id: b3['x-b3-spanid'], name: 'get productpage', remoteEndpoint: { serviceName: 'istio-ingressgateway', ipv4: '127.0.0.1', port: upstream.port } });
      expect(server?.tags).toMatchObject({ 'http.method': 'GET', 'http.path': '/', 'http.status_code': '200', 'guid:x-request-id': 'enc-1' });
      contentByEncoding.set(`${testCase.version} ${testCase.encoding}`, spans);
      const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
      expect(metrics).toMatch(/zipkin_reporter_spans_sent_total(\{[^}]*\})? 2\b/);
      expect(metrics).toMatch(/zipkin_reporter_spans_dropped_total\{cause="rejected"[^}]*\} 0$/m);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });

  it('should carry the same content in all four encodings (but ids, times and the caller port)', () => {
    const normalised = [...contentByEncoding.entries()].map(([name, spans]) => [
      name,
      spans
        .map(({ traceId: _t, id: _i, parentId: _p, timestamp: _ts, duration: _d, remoteEndpoint, tags, ...rest }) => ({
          ...rest,
          remoteEndpoint: { ...remoteEndpoint, port: rest.kind === 'SERVER' ? 'caller' : remoteEndpoint?.port },
          tags: { ...tags, 'guid:x-request-id': 'same' },
        }))
        .sort((a, b) => String(a.kind).localeCompare(String(b.kind))),
    ]);
    expect(normalised).toHaveLength(4);
    for (const [, spans] of normalised) expect(spans).toEqual(normalised[0][1]);
  });

  it('should count a 400 from the collector as rejected, log it once and never retry it', async () => {
    const gateway = await startGateway({
      INGRESS_GATEWAY_URL: upstream.url,
      // V1 Thrift sent to a V2 path: the server answers 400.
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: collector.url('/adapt_SECRET_T0KEN/api/v2/spans'),
      ZIPKIN_API_VERSION: 'v1',
      ZIPKIN_ENCODING: 'thrift',
      OTEL_BSP_SCHEDULE_DELAY: '20',
    });
    try {
      const before = collector.requests.length;
      await send(`${gateway.url}/`);
      await collector.waitFor((all) => all.length > before, 5000);
      const metricsLine = async (): Promise<string> => (await send(`${gateway.adminUrl}/metrics`)).body;
      let metrics = await metricsLine();
      for (let tries = 0; !/cause="rejected"[^\n]* 2\b/.test(metrics) && tries < 50; tries += 1) metrics = await metricsLine();
      expect(metrics).toMatch(/zipkin_reporter_spans_dropped_total\{cause="rejected"[^}]*\} 2\b/);
      expect(collector.requests.length - before).toBe(1);
      const line = await gateway.waitForLine((l) => l.includes('HTTP 400'));
      expect(line).toContain('Expected a JSON_V2 encoded list, but received: THRIFT');
      expect(gateway.output.filter((l) => l.includes('HTTP 400'))).toHaveLength(1);
      expect(gateway.output.join('\n')).not.toContain('SECRET_T0KEN');
    } finally {
      await gateway.stop();
    }
  }, 15_000);
});
