import type { ZipkinSpan } from './zipkin-span';

/** The four wire encodings a Zipkin collector accepts (zipkin-reporter's names). */
export type ZipkinEncodingName = 'JSON_V1' | 'THRIFT' | 'JSON_V2' | 'PROTO3';

/**
 * Encodes spans one at a time, and frames already-encoded spans into one collector message.
 * Spans are encoded once, when queued, so the reporter can bound its queue and its messages in bytes
 * (zipkin-reporter's BytesEncoder + BytesMessageEncoder).
 */
export interface SpanBytesEncoder {
  readonly encoding: ZipkinEncodingName;
  /** Exact Content-Type value the collector expects for this encoding. */
  readonly contentType: string;
  /** Collector path for this encoding, appended to a base URL that has none. */
  readonly path: '/api/v1/spans' | '/api/v2/spans';
  encodeSpan(span: ZipkinSpan): Buffer;
  /** One message body holding the given encoded spans, in order. */
  encodeMessage(encodedSpans: readonly Buffer[]): Buffer;
  /** Bytes one encoded span of `encodedSpanBytes` adds to a message (separator or field header included). */
  sizeInMessage(encodedSpanBytes: number): number;
  /** Bytes a message adds around its spans (`[` `]`, the list header, …). */
  readonly messageOverheadBytes: number;
}
