import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { OtlpProtocol } from '@app/config';
import { otlpOrigin } from './create-otlp-sink';
import { OtlpSpanEncoder } from './otlp-span-encoders';
import { decodeOtlpJson, decodeOtlpProtobuf, type DecodedOtlpSpan } from './testing/otlp-decoders';
import { CALLER_ID, END_NS, SPAN_ID, START_NS, TRACE_ID_128, TRACE_ID_64_PADDED, makeReadableSpan } from './testing/make-readable-span';

const ORIGIN = otlpOrigin({ serviceName: 'external-proxy', staticTags: { env: 'prod', team: 'a' }, resourceAttributes: { team: 'edge', 'service.name': 'ignored' } });
const DECODERS: Readonly<Record<OtlpProtocol, (body: Buffer) => DecodedOtlpSpan[]>> = { 'http/protobuf': decodeOtlpProtobuf, 'http/json': decodeOtlpJson };

/** What makeReadableSpan() decodes to through either protocol. */
const SERVER: DecodedOtlpSpan = {
  resource: { env: 'prod', team: 'edge', 'service.name': 'external-proxy' },
  scope: 'external-proxy',
  traceId: TRACE_ID_128,
  spanId: SPAN_ID,
  parentSpanId: CALLER_ID,
  name: 'GET /api/orders/{id}',
  kind: 2,
  startTimeUnixNano: START_NS,
  endTimeUnixNano: END_NS,
  attributes: {
    'http.request.method': 'GET', 'url.path': '/api/orders/42', 'http.route': '/api/orders/{id}', 'http.response.status_code': 200,
    'network.peer.address': '172.19.0.2', 'network.peer.port': 58648, 'client.address': '172.19.0.2', 'client.port': 58648,
  },
  status: { code: 0 },
  events: [],
};

describe(OtlpSpanEncoder.name, () => {
  describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('%s', (protocol) => {
    const sut = new OtlpSpanEncoder(protocol, ORIGIN);
    const decode = DECODERS[protocol];

    it.each<[string, Parameters<typeof makeReadableSpan>[0], DecodedOtlpSpan]>([
      ['a SERVER span', {}, SERVER],
      ['a 64-bit trace id left-padded to 16 bytes', { context: { traceId: TRACE_ID_64_PADDED } }, { ...SERVER, traceId: TRACE_ID_64_PADDED }],
      ['a root span without a parent', { parentSpanContext: undefined }, (({ parentSpanId: _, ...rest }) => rest)(SERVER)],
      ['a CLIENT span', { kind: SpanKind.CLIENT, attributes: {} }, { ...SERVER, kind: 3, attributes: {} }],
      [
        'an error with its reason',
        { status: { code: SpanStatusCode.ERROR, message: 'upstream timeout' }, attributes: { error: 'upstream timeout' } },
        { ...SERVER, status: { code: 2, message: 'upstream timeout' }, attributes: { 'error.type': 'upstream timeout' } },
      ],
      ['debug sampling as an attribute', { attributes: { 'zipkin.debug': true } }, { ...SERVER, attributes: { 'zipkin.debug': true } }],
    ])('should encode %s as one request a published-proto decoder reads back', (_case, overrides, expected) => {
      const span = sut.encodeSpan(makeReadableSpan(overrides));
      expect(decode(sut.encodeMessage([span]))).toEqual([expected]);
    });

    it('should frame several spans into one message, in order, sized as sizeInMessage says', () => {
      const ids = ['0000000000000001', '0000000000000002', '0000000000000003'];
      const spans = ids.map((spanId) => sut.encodeSpan(makeReadableSpan({ context: { spanId } })));
      const message = sut.encodeMessage(spans);
      expect({
        ids: decode(message).map((span) => span.spanId),
        bytes: message.length,
      }).toEqual({ ids, bytes: sut.messageOverheadBytes + spans.reduce((total, span) => total + sut.sizeInMessage(span.length), 0) });
    });
  });

  it('should write OTLP/JSON ids as lowercase hex, not base64', () => {
    const body = new OtlpSpanEncoder('http/json', ORIGIN).encodeSpan(makeReadableSpan()).toString('utf8');
    expect([body.includes(`"traceId":"${TRACE_ID_128}"`), body.includes(`"spanId":"${SPAN_ID}"`), body.includes(`"parentSpanId":"${CALLER_ID}"`)]).toEqual([true, true, true]);
  });
});
