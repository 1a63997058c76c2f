/**
 * Encodes spans one at a time, and frames already-encoded spans into one collector message. Spans are encoded
 * once, when queued, so a reporter can bound its queue and its messages in bytes (zipkin-reporter's
 * BytesEncoder + BytesMessageEncoder). Each exporter has its own: the Zipkin encodings, OTLP protobuf and JSON.
 */
export interface SpanEncoder<S> {
  /** The encoding's name in log lines (JSON_V2, OTLP_PROTOBUF …). */
  readonly encoding: string;
  /** Exact Content-Type value the collector expects for this encoding. */
  readonly contentType: string;
  encodeSpan(span: S): Buffer;
  /** One message body holding the given encoded spans, in order. */
  encodeMessage(encodedSpans: readonly Buffer[]): Buffer;
  /** Bytes one encoded span of `encodedSpanBytes` adds to a message (separator or field header included). */
  sizeInMessage(encodedSpanBytes: number): number;
  /** Bytes a message adds around its spans (`[` `]`, the list header, …). */
  readonly messageOverheadBytes: number;
}
