import { decodeOtlpJson, decodeOtlpProtobuf, type DecodedOtlpSpan } from '../../../libs/tracing/src/otlp/testing/otlp-decoders';
import { comparableFromJsonV1, comparableFromJsonV2, comparableFromProto3, comparableFromThrift, type ComparableSpan } from '../../../libs/tracing/src/zipkin/encoders/testing/comparable-span';
import { COLLECTOR_BEHAVIOURS, StandInCollector, type ReceivedRequest } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { eventually, isSettled, metricSum, reporterLedger } from './support/eventually';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import { StandInUpstream } from './support/stand-in-upstream';

type OtlpProtocol = 'http/protobuf' | 'http/json';

const OTLP_DECODERS: Readonly<Record<OtlpProtocol, (body: Buffer) => DecodedOtlpSpan[]>> = { 'http/protobuf': decodeOtlpProtobuf, 'http/json': decodeOtlpJson };
const CONTENT_TYPES: Readonly<Record<OtlpProtocol, string>> = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' };
/** An OTLP collector's success: 200, empty ExportTraceServiceResponse. */
const OTLP_OK = { kind: 'answer', status: 200 } as const;
const CALLER_SPAN = 'a2fb4a1d1a96d312';
const SECRET_HEADER = 's3cr3t-api-key';

interface ZipkinCase {
  readonly version: 'v1' | 'v2';
  readonly encoding: 'json' | 'thrift' | 'proto3';
  readonly decode: (body: Buffer) => ComparableSpan[];
}

const ZIPKIN_CASES: readonly ZipkinCase[] = [
  { version: 'v2', encoding: 'json', decode: comparableFromJsonV2 },
  { version: 'v2', encoding: 'proto3', decode: comparableFromProto3 },
  { version: 'v1', encoding: 'json', decode: comparableFromJsonV1 },
  { version: 'v1', encoding: 'thrift', decode: comparableFromThrift },
];

/** The OTLP spans of `traceId` (a 64-bit id left-padded) the collector received, once both arrived. */
async function otlpSpansOf(collector: StandInCollector, protocol: OtlpProtocol, traceId: string): Promise<{ spans: DecodedOtlpSpan[]; request: ReceivedRequest }> {
  const decode = OTLP_DECODERS[protocol];
  const ofTrace = (r: ReceivedRequest): DecodedOtlpSpan[] =>
    r.headers['content-type'] === CONTENT_TYPES[protocol] ? decode(r.body).filter((s) => s.traceId === traceId.padStart(32, '0')) : [];
  const requests = await collector.waitFor((all) => all.flatMap(ofTrace).length >= 2, 5000);
  const request = requests.find((r) => ofTrace(r).length > 0);
  if (request === undefined) throw new Error(`no OTLP span of trace ${traceId} received`);
  return { spans: requests.flatMap(ofTrace), request };
}

describe('OTLP export (gateway process, stand-in OTLP collector)', () => {
  let upstream: StandInUpstream;
  let otlp: StandInCollector;
  let zipkin: StandInCollector;

  beforeAll(async () => {
    [upstream, otlp, zipkin] = await Promise.all([new StandInUpstream().start(), StandInCollector.start(), StandInCollector.start()]);
    otlp.setMode(OTLP_OK);
    zipkin.setMode(COLLECTOR_BEHAVIOURS.zipkin);
  });

  afterAll(async () => {
    await Promise.all([upstream.close(), otlp.close(), zipkin.close()]);
  });

  beforeEach(() => {
    otlp.clearRequests();
    zipkin.clearRequests();
  });

  /** One sampled request with B3 ids; the upstream's B3 headers (our span ids) come back. */
  async function tracedRequest(gateway: GatewayProcess, traceId: string): Promise<Record<string, string | string[] | undefined>> {
    const before = upstream.requests.length;
    const answer = await send(`${gateway.url}/`, { headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '1', 'x-request-id': 'otlp-1' } });
    expect(answer.status).toBe(200);
    await upstream.waitForRequests(before + 1);
    return upstream.requests[before].headers;
  }

  describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('OTLP alone, %s', (protocol) => {
    it('should export both spans to /v1/traces, decoded with the published protos, ids matching the upstream B3 headers', async () => {
      const gateway = await startGateway({
        INGRESS_GATEWAY_URL: upstream.url,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.baseUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_HEADERS: `api-key=${SECRET_HEADER}`,
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=e2e',
        OTEL_BSP_SCHEDULE_DELAY: '20',
      });
      try {
        const traceId = (protocol === 'http/json' ? '7a' : '7b').padEnd(32, 'e');
        const b3 = await tracedRequest(gateway, traceId);
        const { spans, request } = await otlpSpansOf(otlp, protocol, traceId);
        expect({ path: request.path, contentType: request.headers['content-type'], encoding: request.headers['content-encoding'], apiKey: request.headers['api-key'] }).toEqual({
          path: '/v1/traces',
          contentType: CONTENT_TYPES[protocol],
          encoding: 'gzip',
          apiKey: SECRET_HEADER,
        });
        const server = spans.find((s) => s.kind === 2);
        const client = spans.find((s) => s.kind === 3);
        const resource = { 'service.name': 'external-proxy', 'deployment.environment': 'e2e' };
        expect(server).toMatchObject({ resource, traceId, parentSpanId: CALLER_SPAN, spanId: b3['x-b3-parentspanid'], name: 'GET productpage', status: { code: 0 } });
        expect(server?.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/', 'http.route': '/', 'http.response.status_code': 200, 'client.address': '127.0.0.1', 'guid:x-request-id': 'otlp-1' });
        expect(client).toMatchObject({ resource, traceId, parentSpanId: b3['x-b3-parentspanid'], spanId: b3['x-b3-spanid'], name: 'GET productpage' });
        expect(client?.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'peer.service': 'istio-ingressgateway', 'server.address': '127.0.0.1', 'server.port': upstream.port });
        const metrics = await eventually(async () => (await send(`${gateway.adminUrl}/metrics`)).body, (text) => metricSum(text, 'zipkin_reporter_spans_sent_total', { exporter: 'otlp' }) >= 2);
        expect(metricSum(metrics, 'zipkin_reporter_spans_sent_total', { exporter: 'otlp' })).toBe(2);
        expect(metrics).not.toMatch(/exporter="zipkin"/);
      } finally {
        expect(await gateway.stop()).toBe(0);
      }
      expect(gateway.output.join('\n')).not.toContain(SECRET_HEADER);
    });
  });

  describe.each(
    ZIPKIN_CASES.flatMap((zipkinCase) =>
      (['http/protobuf', 'http/json'] as const).map((protocol): [string, ZipkinCase, OtlpProtocol] => [`Zipkin ${zipkinCase.version} ${zipkinCase.encoding} beside OTLP ${protocol}`, zipkinCase, protocol]),
    ),
  )('dual export, %s', (_name, zipkinCase, protocol) => {
    it('should send every span to both collectors with the same ids, kinds and status', async () => {
      const gateway = await startGateway({
        INGRESS_GATEWAY_URL: upstream.url,
        OTEL_TRACES_EXPORTER: 'zipkin,otlp',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.baseUrl,
        ZIPKIN_API_VERSION: zipkinCase.version,
        ZIPKIN_ENCODING: zipkinCase.encoding,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url('/v1/traces'),
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '20',
      });
      try {
        // A 64-bit trace id: Zipkin keeps its length, OTLP left-pads it to 16 bytes.
        const traceId = `${zipkinCase.version}${zipkinCase.encoding.length}${protocol.length}`.padEnd(16, 'd').replace('v', '9');
        await tracedRequest(gateway, traceId);
        const { spans: otlpSpans, request } = await otlpSpansOf(otlp, protocol, traceId);
        const zipkinRequests = await zipkin.waitFor((all) => all.flatMap((r) => zipkinCase.decode(r.body)).filter((s) => s.traceId === traceId).length >= 2, 5000);
        const zipkinSpans = zipkinRequests.flatMap((r) => zipkinCase.decode(r.body)).filter((s) => s.traceId === traceId);
        const kinds: Readonly<Record<number, string>> = { 2: 'SERVER', 3: 'CLIENT' };
        const fromOtlp = otlpSpans.map((s) => ({ traceId: s.traceId.slice(16), id: s.spanId, parentId: s.parentSpanId, kind: kinds[s.kind], name: s.name.toLowerCase(), error: s.status.code === 2 }));
        const fromZipkin = zipkinSpans.map((s) => ({ traceId: s.traceId, id: s.id, parentId: s.parentId, kind: s.kind, name: s.name, error: s.tags?.error !== undefined }));
        const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id);
        expect({ encoding: request.headers['content-encoding'], spans: fromOtlp.sort(byId) }).toEqual({ encoding: undefined, spans: fromZipkin.sort(byId) });
        const ledgers = await eventually(
          async () => {
            const text = (await send(`${gateway.adminUrl}/metrics`)).body;
            return { zipkin: reporterLedger(text, 'zipkin'), otlp: reporterLedger(text, 'otlp') };
          },
          (l) => isSettled(l.zipkin) && isSettled(l.otlp) && l.otlp.sent >= 2 && l.zipkin.sent >= 2,
        );
        expect([ledgers.zipkin.dropped, ledgers.otlp.dropped, ledgers.zipkin.sent, ledgers.otlp.sent]).toEqual([0, 0, 2, 2]);
      } finally {
        expect(await gateway.stop()).toBe(0);
      }
    });
  });

  it('should count a partial success as rejected spans and log it without the endpoint secret', async () => {
    otlp.answerNext({ kind: 'answer', status: 200, body: '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"span too old"}}' });
    const gateway = await startGateway({
      INGRESS_GATEWAY_URL: upstream.url,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url('/t/SECRET_T0KEN/v1/traces'),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '20',
    });
    try {
      await send(`${gateway.url}/`);
      const line = await gateway.waitForLine((l) => l.includes('partial success'));
      expect(line).toContain('rejected 1 of 2 spans (partial success): span too old');
      const ledger = await eventually(async () => reporterLedger((await send(`${gateway.adminUrl}/metrics`)).body, 'otlp'), isSettled);
      // Every cause is exposed at 0 from the start; only the non-zero ones tell what happened.
      const dropped = Object.fromEntries(Object.entries(ledger.droppedByCause).filter(([, count]) => count > 0));
      expect({ sent: ledger.sent, droppedByCause: dropped }).toEqual({ sent: 1, droppedByCause: { rejected: 1 } });
    } finally {
      await gateway.stop();
    }
    expect(gateway.output.join('\n')).not.toContain('SECRET_T0KEN');
  });
});
