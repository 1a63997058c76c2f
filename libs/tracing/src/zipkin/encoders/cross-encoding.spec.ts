import type { ZipkinSpan } from '../zipkin-span';
import type { ComparableSpan } from './testing/comparable-span';
import {
  comparableFromJsonV1, comparableFromJsonV2, comparableFromModel, comparableFromProto3, comparableFromThrift,
} from './testing/comparable-span';
import { GATEWAY_TAGS, START_US, TRACE_ID_64, makeClientSpan, makeSpan } from './testing/make-span';
import { spanBytesEncoderFor } from './span-bytes-encoders';

/** Spans every encoding can carry in full (V1 has no `shared`, and needs a timestamp to keep a kind). */
const SPANS: readonly ZipkinSpan[] = [
  makeSpan({ tags: GATEWAY_TAGS }),
  makeClientSpan({ tags: GATEWAY_TAGS, debug: true }),
  makeSpan({ traceId: TRACE_ID_64, parentId: undefined, kind: 'PRODUCER', remoteEndpoint: { serviceName: 'kafka', port: 9092 } }),
  makeSpan({ kind: 'CONSUMER', duration: undefined, remoteEndpoint: { ipv6: '2001:db8::1', port: 9092 } }),
  makeSpan({ kind: 'CONSUMER', localEndpoint: { serviceName: 'gw', ipv6: '::ffff:10.0.0.1', port: 65535 } }),
  makeSpan({ kind: undefined, remoteEndpoint: undefined, tags: undefined, name: undefined }),
  makeSpan({ kind: undefined, tags: { 'cache.hit': 'true', error: '' } }),
  makeSpan({
    name: 'get /ünïcødé/😀', tags: { 'clé "q"': 'välue\n' },
    annotations: [{ timestamp: START_US + 7, value: 'wr' }, { timestamp: START_US + 3, value: 'retry "1"' }],
  }),
  makeSpan({ traceId: 'ffffffffffffffff8000000000000000', id: 'ffffffffffffffff', parentId: '8000000000000001', debug: false }),
];

const DECODERS: ReadonlyArray<[string, 'v1' | 'v2', 'json' | 'thrift' | 'proto3', (body: Buffer) => ComparableSpan[]]> = [
  ['JSON_V2', 'v2', 'json', comparableFromJsonV2],
  ['PROTO3', 'v2', 'proto3', comparableFromProto3],
  ['JSON_V1', 'v1', 'json', comparableFromJsonV1],
  ['THRIFT', 'v1', 'thrift', comparableFromThrift],
];

describe('the four Zipkin encodings', () => {
  it.each(DECODERS)('should carry the same spans as %s, read back by an independent decoder', (_name, apiVersion, encoding, decode) => {
    const encoder = spanBytesEncoderFor(apiVersion, encoding);

    const body = encoder.encodeMessage(SPANS.map((span) => encoder.encodeSpan(span)));

    expect(decode(body)).toEqual(comparableFromModel(SPANS));
  });

  it('should carry equal content in all four, compared with each other', () => {
    const [first, ...others] = DECODERS.map(([, apiVersion, encoding, decode]) => {
      const encoder = spanBytesEncoderFor(apiVersion, encoding);
      return decode(encoder.encodeMessage(SPANS.map((span) => encoder.encodeSpan(span))));
    });

    for (const other of others) expect(other).toEqual(first);
  });
});
