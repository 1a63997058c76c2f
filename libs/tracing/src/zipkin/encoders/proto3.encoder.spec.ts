import { loadSync } from 'protobufjs';
import type { ZipkinEndpoint, ZipkinKind, ZipkinSpan } from '../zipkin-span';
import { Proto3SpanBytesEncoder } from './proto3.encoder';
import type { DecodedProto3Span } from './testing/independent-decoders';
import { decodeProto3Spans } from './testing/independent-decoders';
import { DURATION_US, GATEWAY_TAGS, PARENT_ID, SPAN_ID, START_US, TRACE_ID_128, TRACE_ID_64, makeClientSpan, makeSpan } from './testing/make-span';
import { zipkinApiFile } from './testing/zipkin-api-files';
import { ipv4ToBytes, ipv6ToBytes, toWireEndpoint } from './wire-ids';

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

  describe('encodeSpan, against protobufjs encoding zipkin.proto', () => {
    const SPAN = loadSync(zipkinApiFile('zipkin.proto')).lookupType('zipkin.proto3.Span');
    const KIND_NUMBER: Readonly<Record<ZipkinKind, number>> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };
    const endpointMessage = (endpoint: ZipkinEndpoint | undefined): object | undefined => {
      const wire = toWireEndpoint(endpoint);
      return wire && { serviceName: wire.serviceName, ipv4: wire.ipv4 && ipv4ToBytes(wire.ipv4), ipv6: wire.ipv6 && ipv6ToBytes(wire.ipv6), port: wire.port };
    };
    /** The span as a protobufjs message: ids and addresses as bytes, absent or empty model values absent. */
    const protobufjsBytes = (span: ZipkinSpan): Buffer => Buffer.from(SPAN.encode({
      traceId: Buffer.from(span.traceId, 'hex'),
      parentId: span.parentId === undefined ? undefined : Buffer.from(span.parentId, 'hex'),
      id: Buffer.from(span.id, 'hex'),
      kind: span.kind === undefined ? undefined : KIND_NUMBER[span.kind],
      name: span.name,
      timestamp: span.timestamp || undefined,
      duration: span.duration || undefined,
      localEndpoint: endpointMessage(span.localEndpoint),
      remoteEndpoint: endpointMessage(span.remoteEndpoint),
      annotations: span.annotations,
      tags: span.tags,
      debug: span.debug,
      shared: span.shared,
    }).finish());
    const long = 'é'.repeat(30) + 'x'.repeat(200);

    it.each<[string, ZipkinSpan]>([
      ['a gateway SERVER span', makeSpan({ tags: GATEWAY_TAGS })],
      ['a gateway CLIENT span with a 64-bit trace id', makeClientSpan({ traceId: TRACE_ID_64, tags: GATEWAY_TAGS })],
      ['a root span with debug and shared', makeSpan({ parentId: undefined, debug: true, shared: true })],
      ['annotations with a zero timestamp or an empty value', makeSpan({ annotations: [{ timestamp: 0, value: 'a' }, { timestamp: START_US, value: '' }] })],
      ['empty tag values and keys', makeSpan({ tags: { '': '', error: '' } })],
      ['short strings with lone surrogates and non-ASCII', makeSpan({ name: 'a\ud800b', tags: { 'k\udc00': 'ünï 😀' } })],
      ['long strings with lone surrogates and non-ASCII', makeSpan({ name: `${long}\ud800`, tags: { [long]: `\udc00${long}` } })],
      ['IPv6 endpoints', makeSpan({ localEndpoint: { serviceName: 'gw', ipv6: '::1' }, remoteEndpoint: { ipv6: '2001:db8::c001', port: 65535 } })],
      ['a local endpoint with nothing valid', makeSpan({ localEndpoint: { serviceName: '', ipv4: '300.0.0.1' } })],
      ['a tag bigger than the writer\'s first buffer', makeSpan({ tags: { big: 'x'.repeat(20_000) } })],
    ])('should write %s as protobufjs does', (_case, span) => {
      expect(sut.encodeSpan(span)).toEqual(protobufjsBytes(span));
    });

    it('should write a span whole after one rejected half-way', () => {
      expect(() => sut.encodeSpan(makeSpan({ parentId: 'not-hex' }))).toThrow(RangeError);

      expect(sut.encodeSpan(makeClientSpan())).toEqual(protobufjsBytes(makeClientSpan()));
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
