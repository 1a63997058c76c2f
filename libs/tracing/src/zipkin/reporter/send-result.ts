/**
 * What one collector request came to. The sender never throws: every failure is one of these, so the
 * reporter decides retries from data (OTel exporters return an ExportResult the same way).
 */
export type SendResult =
  /** `rejectedSpans`: an OTLP partial success, spans of the message the collector accepted the request but refused. */
  | { readonly kind: 'ok'; readonly rejectedSpans?: number; readonly reason?: string }
  /** Network error, timeout, 5xx or 429: the same message may succeed later, not before `retryAfterMs` when given. */
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMs?: number }
  /** Any other answer (4xx, 3xx): resending the same bytes gets the same answer. */
  | { readonly kind: 'permanent'; readonly status: number; readonly reason: string };

/** A message body made ready for the wire, or why it could not be (a retry prepares it again). */
export type PrepareResult =
  | { readonly kind: 'ready'; readonly payload: Buffer }
  | { readonly kind: 'retryable'; readonly reason: string };

/**
 * Turns a message body into the bytes every attempt sends (gzipped when configured). Called once per
 * message: retries resend the same bytes instead of compressing again. Resolves, never rejects.
 */
export type PrepareFunction = (body: Buffer) => Promise<PrepareResult>;

/**
 * Sends one prepared payload to the collector. Resolves, never rejects; when `signal` aborts, the request
 * is torn down and the result is `retryable` with reason `aborted`.
 */
export type SendFunction = (payload: Buffer, signal: AbortSignal) => Promise<SendResult>;
