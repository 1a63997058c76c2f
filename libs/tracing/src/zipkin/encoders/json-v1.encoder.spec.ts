import type { ZipkinSpan } from '../zipkin-span';
import { JsonV1SpanBytesEncoder } from './json-v1.encoder';
import { DURATION_US, PARENT_ID, SPAN_ID, START_US, TRACE_ID_128, TRACE_ID_64, makeClientSpan, makeSpan } from './testing/make-span';
import { validateV1Spans } from './testing/zipkin-schemas';

const GATEWAY = { serviceName: 'external-proxy', ipv4: '10.1.2.3', port: 8080 };
const END_US = START_US + DURATION_US;

describe(JsonV1SpanBytesEncoder.name, () => {
  const sut = new JsonV1SpanBytesEncoder();
  const parse = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

  it('should declare the V1 JSON collector contract', () => {
    expect({ encoding: sut.encoding, contentType: sut.contentType, path: sut.path })
      .toEqual({ encoding: 'JSON_V1', contentType: 'application/json', path: '/api/v1/spans' });
  });

  describe('encodeSpan', () => {
    it('should write the keys in Zipkin V1SpanWriter order', () => {
      expect(sut.encodeSpan(makeSpan({ remoteEndpoint: undefined, tags: { a: 'b' }, debug: true })).toString())
        .toBe(`{"traceId":"${TRACE_ID_128}","parentId":"${PARENT_ID}","id":"${SPAN_ID}","name":"get /api/orders/{id}",` +
          `"timestamp":${START_US},"duration":${DURATION_US},"annotations":[` +
          `{"timestamp":${START_US},"value":"sr","endpoint":{"serviceName":"external-proxy","ipv4":"10.1.2.3","port":8080}},` +
          `{"timestamp":${END_US},"value":"ss","endpoint":{"serviceName":"external-proxy","ipv4":"10.1.2.3","port":8080}}],` +
          '"binaryAnnotations":[{"key":"a","value":"b","endpoint":{"serviceName":"external-proxy","ipv4":"10.1.2.3","port":8080}}],' +
          '"debug":true}');
    });

    it.each<[string, ZipkinSpan, unknown]>([
      ['a SERVER span: whole 128-bit traceId, ca = true with serviceName ""', makeSpan(), {
        traceId: TRACE_ID_128, parentId: PARENT_ID, id: SPAN_ID, name: 'get /api/orders/{id}', timestamp: START_US, duration: DURATION_US,
        annotations: [{ timestamp: START_US, value: 'sr', endpoint: GATEWAY }, { timestamp: END_US, value: 'ss', endpoint: GATEWAY }],
        binaryAnnotations: [
          { key: 'ca', value: true, endpoint: { serviceName: '', ipv4: '172.19.0.2', port: 58648 } },
          { key: 'http.method', value: 'GET', endpoint: GATEWAY },
          { key: 'http.path', value: '/api/orders/42', endpoint: GATEWAY },
        ],
      }],
      ['a CLIENT span: 64-bit traceId, sa = true', makeClientSpan({ traceId: TRACE_ID_64, tags: undefined }), {
        traceId: TRACE_ID_64, parentId: SPAN_ID, id: 'c0ffee0ddba11f00', name: 'get /api/orders/{id}',
        timestamp: START_US + 120, duration: DURATION_US - 200,
        annotations: [{ timestamp: START_US + 120, value: 'cs', endpoint: GATEWAY }, { timestamp: END_US - 80, value: 'cr', endpoint: GATEWAY }],
        binaryAnnotations: [{ key: 'sa', value: true, endpoint: { serviceName: 'orders', ipv4: '10.2.0.7', port: 443 } }],
      }],
      ['a local span: lc = "", name "" when absent, debug false left out', makeSpan({
        kind: undefined, name: undefined, remoteEndpoint: undefined, tags: undefined, parentId: undefined, debug: false,
        localEndpoint: { ipv6: '2001:db8::c001' },
      }), {
        traceId: TRACE_ID_128, id: SPAN_ID, name: '', timestamp: START_US, duration: DURATION_US,
        binaryAnnotations: [{ key: 'lc', value: '', endpoint: { serviceName: '', ipv6: '2001:db8::c001' } }],
      }],
      ['a shared span with no endpoints: no timestamp, duration or endpoint', makeSpan({
        shared: true, localEndpoint: undefined, remoteEndpoint: undefined, tags: undefined,
      }), {
        traceId: TRACE_ID_128, parentId: PARENT_ID, id: SPAN_ID, name: 'get /api/orders/{id}',
        annotations: [{ timestamp: START_US, value: 'sr' }, { timestamp: END_US, value: 'ss' }],
      }],
      ['escaped strings', makeSpan({ name: 'a "b"\n', remoteEndpoint: undefined, tags: { 'k"': '\\v' }, annotations: undefined, kind: undefined }), {
        traceId: TRACE_ID_128, parentId: PARENT_ID, id: SPAN_ID, name: 'a "b"\n', timestamp: START_US, duration: DURATION_US,
        binaryAnnotations: [{ key: 'k"', value: '\\v', endpoint: GATEWAY }],
      }],
    ])('should write %s', (_case, span, expected) => {
      const encoded = sut.encodeSpan(span);
      expect(parse(encoded)).toEqual(expected);
      expect(validateV1Spans([parse(encoded)])).toEqual([]);
    });
  });

  describe('encodeMessage', () => {
    it.each([[[]], [[makeSpan()]], [[makeSpan(), makeClientSpan(), makeSpan({ kind: undefined })]]])(
      'should write a JSON array the V1 schema accepts (%#)',
      (spans: ZipkinSpan[]) => {
        const message = sut.encodeMessage(spans.map((span) => sut.encodeSpan(span)));
        expect(validateV1Spans(message)).toEqual([]);
        expect(parse(message)).toEqual(spans.map((span) => parse(sut.encodeSpan(span))));
      },
    );

    it('should fail schema validation for what a V1 collector rejects (the validator is not a no-op)', () => {
      expect(validateV1Spans([{ traceId: TRACE_ID_64, id: SPAN_ID, binaryAnnotations: [
        { key: 'http.method', value: true, endpoint: GATEWAY },
        { key: 'sa', value: true },
        { key: 'ca', value: true, endpoint: { ipv4: '10.0.0.1' } },
      ] }])).toEqual([
        "/0 must have required property 'name'",
        '/0/binaryAnnotations/0/key must be equal to one of the allowed values',
        '/0/binaryAnnotations/0 must match "then" schema',
        "/0/binaryAnnotations/1 must have required property 'endpoint'",
        '/0/binaryAnnotations/1 must match "then" schema',
        "/0/binaryAnnotations/2/endpoint must have required property 'serviceName'",
      ]);
    });
  });

  describe('sizeInMessage', () => {
    it.each([
      { spans: [], excess: 0, case: 'exact for an empty list' },
      { spans: [makeSpan()], excess: 1, case: 'one comma too many for one span' },
      { spans: [makeSpan(), makeClientSpan(), makeSpan({ kind: undefined })], excess: 1, case: 'one comma too many for three spans' },
    ])('should bound the message size with messageOverheadBytes: $case', ({ spans, excess }) => {
      const encoded = spans.map((span) => sut.encodeSpan(span));
      const predicted = encoded.reduce((sum, span) => sum + sut.sizeInMessage(span.length), sut.messageOverheadBytes);
      expect(predicted - sut.encodeMessage(encoded).length).toBe(excess);
    });
  });
});
