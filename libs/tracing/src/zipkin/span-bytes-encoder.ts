import type { SpanEncoder } from './reporter/span-encoder';
import type { ZipkinSpan } from './zipkin-span';

/** The four wire encodings a Zipkin collector accepts (zipkin-reporter's names). */
export type ZipkinEncodingName = 'JSON_V1' | 'THRIFT' | 'JSON_V2' | 'PROTO3';

/**
 * Encodes spans one at a time, and frames already-encoded spans into one collector message.
 * Spans are encoded once, when queued, so the reporter can bound its queue and its messages in bytes
 * (zipkin-reporter's BytesEncoder + BytesMessageEncoder).
 */
export interface SpanBytesEncoder extends SpanEncoder<ZipkinSpan> {
  readonly encoding: ZipkinEncodingName;
  /** Collector path for this encoding, appended to a base URL that has none. */
  readonly path: '/api/v1/spans' | '/api/v2/spans';
}
