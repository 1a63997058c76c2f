import type { ZipkinSpan } from '../zipkin-span';
import { JsonV2SpanBytesEncoder } from './json-v2.encoder';
import {
  CALLER_ENDPOINT, DURATION_US, GATEWAY_ENDPOINT, PARENT_ID, SPAN_ID, START_US, TRACE_ID_128, TRACE_ID_64, makeClientSpan, makeSpan,
} from './testing/make-span';
import { validateV2Spans } from './testing/zipkin-schemas';

const IDS = { traceId: TRACE_ID_128, id: SPAN_ID };
const SERVER_JSON = {
  traceId: TRACE_ID_128, parentId: PARENT_ID, id: SPAN_ID, kind: 'SERVER', name: 'get /api/orders/{id}',
  timestamp: START_US, duration: DURATION_US, localEndpoint: GATEWAY_ENDPOINT, remoteEndpoint: CALLER_ENDPOINT,
  tags: { 'http.method': 'GET', 'http.path': '/api/orders/42' },
};

describe(JsonV2SpanBytesEncoder.name, () => {
  const sut = new JsonV2SpanBytesEncoder();
  const parse = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

  it('should declare the V2 JSON collector contract', () => {
    expect({ encoding: sut.encoding, contentType: sut.contentType, path: sut.path })
      .toEqual({ encoding: 'JSON_V2', contentType: 'application/json', path: '/api/v2/spans' });
  });

  describe('encodeSpan', () => {
    it('should write the keys in Zipkin V2SpanWriter order', () => {
      expect(sut.encodeSpan(makeSpan({ annotations: [{ timestamp: START_US + 1, value: 'wr' }], debug: true, shared: true })).toString())
        .toBe(`{"traceId":"${TRACE_ID_128}","parentId":"${PARENT_ID}","id":"${SPAN_ID}","kind":"SERVER",` +
          `"name":"get /api/orders/{id}","timestamp":${START_US},"duration":${DURATION_US},` +
          '"localEndpoint":{"serviceName":"external-proxy","ipv4":"10.1.2.3","port":8080},' +
          '"remoteEndpoint":{"ipv4":"172.19.0.2","port":58648},' +
          `"annotations":[{"timestamp":${START_US + 1},"value":"wr"}],` +
          '"tags":{"http.method":"GET","http.path":"/api/orders/42"},"debug":true,"shared":true}');
    });

    it.each<[string, ZipkinSpan, unknown]>([
      ['a gateway SERVER span', makeSpan(), SERVER_JSON],
      ['a CLIENT span with a 64-bit trace id', makeClientSpan({ traceId: TRACE_ID_64, tags: undefined }), {
        traceId: TRACE_ID_64, parentId: SPAN_ID, id: 'c0ffee0ddba11f00', kind: 'CLIENT', name: 'get /api/orders/{id}',
        timestamp: START_US + 120, duration: DURATION_US - 200, localEndpoint: GATEWAY_ENDPOINT,
        remoteEndpoint: { serviceName: 'orders', ipv4: '10.2.0.7', port: 443 },
      }],
      ['only the ids when nothing else is known', { traceId: TRACE_ID_128, id: SPAN_ID }, IDS],
      ['nothing for empty or default values', {
        ...IDS, name: '', timestamp: 0, duration: 0, annotations: [], tags: {}, debug: false, shared: false,
        localEndpoint: { serviceName: '', port: 0 }, remoteEndpoint: {},
      }, IDS],
      ['no address that does not parse, no port outside 1..65535', {
        ...IDS, localEndpoint: { serviceName: 'gw', ipv4: '10.0.0.256', ipv6: 'fe80::1%eth0', port: 70000 },
        remoteEndpoint: { ipv4: '010.0.0.1', ipv6: '2001:db8::c001' },
      }, { ...IDS, localEndpoint: { serviceName: 'gw' }, remoteEndpoint: { ipv6: '2001:db8::c001' } }],
      ['strings escaped: quotes, backslashes, controls, unicode, a lone surrogate', {
        ...IDS, name: 'say "hi"\\\n\t\u0001 ünï 😀 \ud800', tags: { 'k"\n': '</script>' },
        annotations: [{ timestamp: 1, value: '"' }],
      }, { ...IDS, name: 'say "hi"\\\n\t\u0001 ünï 😀 \ud800', tags: { 'k"\n': '</script>' }, annotations: [{ timestamp: 1, value: '"' }] }],
      ['only the keys of the model', { ...IDS, secret: 'x', localEndpoint: { serviceName: 'a', extra: 1 } } as ZipkinSpan,
        { ...IDS, localEndpoint: { serviceName: 'a' } }],
    ])('should write %s', (_case, span, expected) => {
      const encoded = sut.encodeSpan(span);
      expect(parse(encoded)).toEqual(expected);
      expect(validateV2Spans([parse(encoded)])).toEqual([]);
    });
  });

  describe('encodeMessage', () => {
    it.each([[[]], [[makeSpan()]], [[makeSpan(), makeClientSpan(), makeSpan({ name: 'ünï' })]]])(
      'should write a JSON array the V2 schema accepts (%#)',
      (spans: ZipkinSpan[]) => {
        const message = sut.encodeMessage(spans.map((span) => sut.encodeSpan(span)));
        expect(validateV2Spans(message)).toEqual([]);
        expect(parse(message)).toEqual(spans.map((span) => parse(sut.encodeSpan(span))));
      },
    );

    it('should fail schema validation for what a collector rejects (the validator is not a no-op)', () => {
      expect(validateV2Spans([{ traceId: 'XYZ', id: SPAN_ID, kind: 'client', localEndpoint: { port: '80' } }])).toEqual([
        '/0/traceId must NOT have fewer than 16 characters',
        '/0/traceId must match pattern "[a-f0-9]{16,32}"',
        '/0/kind must be equal to one of the allowed values',
        '/0/localEndpoint/port must be integer',
      ]);
    });
  });

  describe('sizeInMessage', () => {
    it.each([
      { spans: [], excess: 0, case: 'exact for an empty list' },
      { spans: [makeSpan()], excess: 1, case: 'one comma too many for one span' },
      { spans: [makeSpan(), makeClientSpan(), makeSpan({ name: 'ünï' })], excess: 1, case: 'one comma too many for three spans' },
    ])('should bound the message size with messageOverheadBytes: $case', ({ spans, excess }) => {
      const encoded = spans.map((span) => sut.encodeSpan(span));
      const predicted = encoded.reduce((sum, span) => sum + sut.sizeInMessage(span.length), sut.messageOverheadBytes);
      expect(predicted - sut.encodeMessage(encoded).length).toBe(excess);
    });
  });
});
