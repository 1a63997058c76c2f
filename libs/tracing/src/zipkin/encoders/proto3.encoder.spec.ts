import type { ZipkinSpan } from '../zipkin-span';
import { Proto3SpanBytesEncoder } from './proto3.encoder';
import type { DecodedProto3Span } from './testing/independent-decoders';
import { decodeProto3Spans } from './testing/independent-decoders';
import { DURATION_US, PARENT_ID, SPAN_ID, START_US, TRACE_ID_128, TRACE_ID_64, makeClientSpan, makeSpan } from './testing/make-span';

/** Worked by hand from zipkin.proto: timestamp is fixed64 (little-endian), duration a varint. */
const VECTOR_SPAN: ZipkinSpan = {
  traceId: '0000000000000001', id: '0000000000000002', kind: 'SERVER', name: 'get', timestamp: 1000, duration: 500,
  localEndpoint: { serviceName: 'gw', ipv4: '10.0.0.1', port: 8080 },
};
const VECTOR_HEX = [
  '0a36', // ListOfSpans.spans (1, length-delimited), 54 bytes
  '0a080000000000000001', '1a080000000000000002', // trace_id, id as 8 bytes
  '2002', '2a03676574', // kind SERVER = 2, name "get"
  '31e803000000000000', '38f403', // timestamp 1000 fixed64, duration 500 varint
  '420d', '0a026777', '12040a000001', '20903f', // local_endpoint: "gw", 10.0.0.1 as 4 bytes, port 8080
].join('');

const GATEWAY = { serviceName: 'external-proxy', ipv4: '0a010203', port: 8080 };

describe(Proto3SpanBytesEncoder.name, () => {
  const sut = new Proto3SpanBytesEncoder();
  const roundTrip = (...spans: ZipkinSpan[]): DecodedProto3Span[] =>
    decodeProto3Spans(sut.encodeMessage(spans.map((span) => sut.encodeSpan(span))));

  it('should declare the V2 proto3 collector contract', () => {
    expect({ encoding: sut.encoding, contentType: sut.contentType, path: sut.path })
      .toEqual({ encoding: 'PROTO3', contentType: 'application/x-protobuf', path: '/api/v2/spans' });
  });

  describe('encodeMessage', () => {
    it.each([
      ['a hand-worked vector', [VECTOR_SPAN], VECTOR_HEX],
      ['an empty list as no bytes at all', [], ''],
    ])('should write %s', (_case, spans, hex) => {
      expect(sut.encodeMessage(spans.map((span) => sut.encodeSpan(span))).toString('hex')).toBe(hex);
    });

    it('should decode, with protobufjs and the published zipkin.proto, to the same spans', () => {
      expect(roundTrip(makeSpan(), makeClientSpan({ traceId: TRACE_ID_64, tags: undefined }))).toEqual<DecodedProto3Span[]>([
        {
          traceId: TRACE_ID_128, parentId: PARENT_ID, id: SPAN_ID, kind: 'SERVER', name: 'get /api/orders/{id}',
          timestamp: START_US, duration: DURATION_US, localEndpoint: GATEWAY, remoteEndpoint: { ipv4: 'ac130002', port: 58648 },
          tags: { 'http.method': 'GET', 'http.path': '/api/orders/42' },
        },
        {
          traceId: TRACE_ID_64, parentId: SPAN_ID, id: 'c0ffee0ddba11f00', kind: 'CLIENT', name: 'get /api/orders/{id}',
          timestamp: START_US + 120, duration: DURATION_US - 200, localEndpoint: GATEWAY,
          remoteEndpoint: { serviceName: 'orders', ipv4: '0a020007', port: 443 },
        },
      ]);
    });
  });

  describe('encodeSpan', () => {
    const IDS = { traceId: 'ffffffffffffffff', id: '8000000000000000' };
    it.each<[string, ZipkinSpan, DecodedProto3Span]>([
      ['ids with the high bit set as their bytes', IDS, IDS],
      ['each kind by its zipkin.proto number', { ...IDS, kind: 'PRODUCER' }, { ...IDS, kind: 'PRODUCER' }],
      ['CONSUMER', { ...IDS, kind: 'CONSUMER' }, { ...IDS, kind: 'CONSUMER' }],
      ['debug and shared when true', { ...IDS, debug: true, shared: true }, { ...IDS, debug: true, shared: true }],
      ['no default values (proto3 omits them)', {
        ...IDS, name: '', timestamp: 0, duration: 0, debug: false, shared: false, annotations: [], tags: {},
        localEndpoint: { serviceName: '', port: 0 }, remoteEndpoint: { ipv4: 'not-an-ip' },
      }, IDS],
      ['IPv6 as 16 bytes and port 65535', { ...IDS, remoteEndpoint: { ipv6: '2001:db8::c001', port: 65535 } },
        { ...IDS, remoteEndpoint: { ipv6: '20010db800000000000000000000c001', port: 65535 } }],
      ['annotations (an empty value is the proto3 default: not on the wire) and empty tag values', {
        ...IDS, annotations: [{ timestamp: START_US, value: 'ws' }, { timestamp: START_US + 1, value: '' }], tags: { error: '', a: 'ü' },
      }, { ...IDS, annotations: [{ timestamp: START_US, value: 'ws' }, { timestamp: START_US + 1 }], tags: { error: '', a: 'ü' } }],
    ])('should write %s', (_case, span, expected) => {
      expect(roundTrip(span)).toEqual([expected]);
    });

    it('should reject an id that is not lower hex rather than write garbage bytes', () => {
      expect(() => sut.encodeSpan({ traceId: 'XYZ', id: SPAN_ID })).toThrow(RangeError);
    });
  });

  describe('sizeInMessage', () => {
    const bigSpan = makeSpan({ tags: { big: 'x'.repeat(20_000) } });
    it.each([[[]], [[makeSpan()]], [[makeSpan(), makeClientSpan(), bigSpan]]])(
      'should add up, with messageOverheadBytes, to the exact message size (%#)',
      (spans: ZipkinSpan[]) => {
        const encoded = spans.map((span) => sut.encodeSpan(span));
        const predicted = encoded.reduce((sum, span) => sum + sut.sizeInMessage(span.length), sut.messageOverheadBytes);
        expect(predicted).toBe(sut.encodeMessage(encoded).length);
      },
    );
  });
});
