import type { ZipkinEndpoint, ZipkinSpan } from '../zipkin-span';
import type { DecodedThriftEndpoint, DecodedThriftSpan } from './testing/independent-decoders';
import { decodeThriftSpans } from './testing/independent-decoders';
import { DURATION_US, START_US, makeClientSpan, makeSpan } from './testing/make-span';
import { ThriftSpanBytesEncoder } from './thrift.encoder';

/** The golden body from the reference README: one SERVER span, checked with another Thrift stack. */
const GOLDEN_HEX =
  '0c000000010a000100000000000000010b0003000000036765740a000400000000000000020f00060c000000020a000100000000000003e8' +
  '0b00020000000273720c00030800010a0000010600021f900b000300000002677700000a000100000000000005dc0b000200000002737' +
  '30c00030800010a0000010600021f900b000300000002677700000f00080c000000000a000a00000000000003e80a000b00000000000001f400';
const GOLDEN_SPAN: ZipkinSpan = {
  traceId: '0000000000000001', id: '0000000000000002', name: 'get', kind: 'SERVER', timestamp: 1000, duration: 500,
  localEndpoint: { serviceName: 'gw', ipv4: '10.0.0.1', port: 8080 },
};

/** Worked by hand from zipkinCore.thrift: ids with the high bit set, IPv6, both port wraps, debug, no name. */
const EDGE_SPAN: ZipkinSpan = {
  traceId: 'ffffffffffffffff', id: '8000000000000000', kind: 'CLIENT', timestamp: 1, debug: true,
  localEndpoint: { ipv6: '::1', port: 65535 }, remoteEndpoint: { serviceName: 's', port: 32768 },
};
const EDGE_HEX = [
  '0c00000001', // list<Span> of one
  '0a0001ffffffffffffffff', '0b000300000000', '0a00048000000000000000', // trace_id -1, name "", id min i64
  '0f00060c00000001', '0a00010000000000000001', '0b0002000000026373', // annotations: cs @1
  '0c0003', '08000100000000', '060002ffff', '0b000300000000', // host: ipv4 0, port 65535 as -1, service ""
  '0b00040000001000000000000000000000000000000001', '00', '00', // ipv6 ::1, end of host, end of annotation
  '0f00080c00000001', '0b0001000000027361', '0b00020000000101', '08000300000000', // sa = BOOL true
  '0c0004', '08000100000000', '0600028000', '0b00030000000173', '00', '00', // port 32768 as -32768, "s"
  '02000901', '0a000a0000000000000001', '00', // debug, timestamp 1, stop
].join('');

const GATEWAY: DecodedThriftEndpoint = { ipv4: 0x0a010203, port: 8080, service_name: 'external-proxy' };
/** 172.19.0.2 is 0xac130002, negative as i32; port 58648 is negative as i16. */
const CALLER: DecodedThriftEndpoint = { ipv4: 0xac130002 - 2 ** 32, port: 58648 - 2 ** 16, service_name: '' };
const string = (key: string, value: string, host = GATEWAY) => ({ key, value: Buffer.from(value), annotation_type: 6, host });

describe(ThriftSpanBytesEncoder.name, () => {
  const sut = new ThriftSpanBytesEncoder();
  const roundTrip = (...spans: ZipkinSpan[]): DecodedThriftSpan[] =>
    decodeThriftSpans(sut.encodeMessage(spans.map((span) => sut.encodeSpan(span))));

  it('should declare the V1 Thrift collector contract', () => {
    expect({ encoding: sut.encoding, contentType: sut.contentType, path: sut.path })
      .toEqual({ encoding: 'THRIFT', contentType: 'application/x-thrift', path: '/api/v1/spans' });
  });

  describe('encodeMessage', () => {
    it.each([
      ['the golden vector, byte for byte', [GOLDEN_SPAN], GOLDEN_HEX],
      ['a hand-worked vector of wire edge cases', [EDGE_SPAN], EDGE_HEX],
      ['an empty list', [], '0c00000000'],
    ])('should write %s', (_case, spans, hex) => {
      expect(sut.encodeMessage(spans.map((span) => sut.encodeSpan(span))).toString('hex')).toBe(hex);
    });

    it('should decode, with the thrift package, to the spans zipkinCore.thrift describes', () => {
      const end = BigInt(START_US + DURATION_US);
      expect(roundTrip(makeSpan(), makeClientSpan({ tags: undefined }))).toEqual<DecodedThriftSpan[]>([
        {
          trace_id: 0x6b221d5bc9e6496cn, trace_id_high: 0x5af7183fb1d4cf5fn, name: 'get /api/orders/{id}',
          id: 0x352bff9a74ca9ad2n, parent_id: BigInt.asIntN(64, 0xa2fb4a1d1a96d312n),
          annotations: [{ timestamp: BigInt(START_US), value: 'sr', host: GATEWAY }, { timestamp: end, value: 'ss', host: GATEWAY }],
          binary_annotations: [
            { key: 'ca', value: Buffer.of(1), annotation_type: 0, host: CALLER },
            string('http.method', 'GET'), string('http.path', '/api/orders/42'),
          ],
          timestamp: BigInt(START_US), duration: BigInt(DURATION_US),
        },
        {
          trace_id: 0x6b221d5bc9e6496cn, trace_id_high: 0x5af7183fb1d4cf5fn, name: 'get /api/orders/{id}',
          id: BigInt.asIntN(64, 0xc0ffee0ddba11f00n), parent_id: 0x352bff9a74ca9ad2n,
          annotations: [
            { timestamp: BigInt(START_US + 120), value: 'cs', host: GATEWAY },
            { timestamp: BigInt(START_US + 120 + DURATION_US - 200), value: 'cr', host: GATEWAY },
          ],
          binary_annotations: [{ key: 'sa', value: Buffer.of(1), annotation_type: 0, host: { ipv4: 0x0a020007, port: 443, service_name: 'orders' } }],
          timestamp: BigInt(START_US + 120), duration: BigInt(DURATION_US - 200),
        },
      ]);
    });
  });

  describe('encodeSpan', () => {
    type Ids = Pick<DecodedThriftSpan, 'trace_id' | 'trace_id_high' | 'id' | 'parent_id'>;
    it.each<[string, Pick<ZipkinSpan, 'traceId' | 'id' | 'parentId'>, Ids]>([
      ['64-bit trace id: no trace_id_high', { traceId: '6b221d5bc9e6496c', id: '0000000000000001' },
        { trace_id: 0x6b221d5bc9e6496cn, id: 1n }],
      ['all bits set: -1', { traceId: 'ffffffffffffffff', id: 'ffffffffffffffff' }, { trace_id: -1n, id: -1n }],
      ['high bit only: min i64', { traceId: '8000000000000000', id: '8000000000000000' },
        { trace_id: -(2n ** 63n), id: -(2n ** 63n) }],
      ['max i64 stays positive', { traceId: '7fffffffffffffff', id: '7fffffffffffffff' },
        { trace_id: 2n ** 63n - 1n, id: 2n ** 63n - 1n }],
      ['128-bit, both halves negative', { traceId: 'ffffffffffffffff8000000000000001', id: '0000000000000002' },
        { trace_id_high: -1n, trace_id: -(2n ** 63n) + 1n, id: 2n }],
      ['a parent id with the high bit set', { traceId: '0000000000000001', id: '0000000000000002', parentId: 'ffffffffffffff00' },
        { trace_id: 1n, id: 2n, parent_id: -256n }],
    ])('should write ids as signed i64: %s', (_case, ids, expected) => {
      const [{ trace_id, trace_id_high, id, parent_id }] = roundTrip(makeSpan({ parentId: undefined, ...ids })) as [DecodedThriftSpan];
      expect({ trace_id, trace_id_high, id, parent_id }).toEqual(expected);
    });

    it.each<[string, ZipkinEndpoint, DecodedThriftEndpoint]>([
      ['IPv4 with the high bit set as a negative i32', { ipv4: '192.168.0.1' }, { ipv4: -1062731775, port: 0, service_name: '' }],
      ['255.255.255.255 as -1', { ipv4: '255.255.255.255', port: 1 }, { ipv4: -1, port: 1, service_name: '' }],
      ['port 65535 as i16 -1', { serviceName: 'a', port: 65535 }, { ipv4: 0, port: -1, service_name: 'a' }],
      ['port 32768 as i16 min', { serviceName: 'a', port: 32768 }, { ipv4: 0, port: -32768, service_name: 'a' }],
      ['port 32767 unchanged', { serviceName: 'a', port: 32767 }, { ipv4: 0, port: 32767, service_name: 'a' }],
      ['IPv6 as 16 bytes, IPv4 too', { ipv4: '10.0.0.1', ipv6: '2001:db8::c001' },
        { ipv4: 0x0a000001, port: 0, service_name: '', ipv6: Buffer.from('20010db800000000000000000000c001', 'hex') }],
      ['an IPv6 with an embedded IPv4', { ipv6: '::ffff:10.0.0.1' },
        { ipv4: 0, port: 0, service_name: '', ipv6: Buffer.from('00000000000000000000ffff0a000001', 'hex') }],
      ['unparseable addresses and port 0 left out', { serviceName: 'x', ipv4: '10.0.0', ipv6: 'fe80::1%eth0', port: 0 },
        { ipv4: 0, port: 0, service_name: 'x' }],
    ])('should write the endpoint: %s', (_case, endpoint, expected) => {
      const [decoded] = roundTrip(makeSpan({ localEndpoint: endpoint, remoteEndpoint: undefined, tags: undefined }));
      expect(decoded?.annotations.map((a) => a.host)).toEqual([expected, expected]);
    });

    it('should write UTF-8 names, keys and values with their byte length', () => {
      const [decoded] = roundTrip(makeSpan({ name: 'get /ünïcødé/😀', tags: { 'clé': 'välue "quoted"\n' }, remoteEndpoint: undefined }));
      expect({ name: decoded?.name, tags: decoded?.binary_annotations })
        .toEqual({ name: 'get /ünïcødé/😀', tags: [string('clé', 'välue "quoted"\n')] });
    });

    it('should grow past its scratch buffer for a large span', () => {
      const tags = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`tag.${i}`, 'v'.repeat(100)]));
      const [decoded] = roundTrip(makeSpan({ tags }));
      expect(decoded?.binary_annotations).toHaveLength(201);
    });
  });

  describe('sizeInMessage', () => {
    it.each([[[]], [[makeSpan()]], [[makeSpan(), makeClientSpan(), makeSpan({ debug: true, tags: undefined })]]])(
      'should add up, with messageOverheadBytes, to the exact message size (%#)',
      (spans: ZipkinSpan[]) => {
        const encoded = spans.map((span) => sut.encodeSpan(span));
        const predicted = encoded.reduce((sum, span) => sum + sut.sizeInMessage(span.length), sut.messageOverheadBytes);
        expect(predicted).toBe(sut.encodeMessage(encoded).length);
      },
    );
  });
});
