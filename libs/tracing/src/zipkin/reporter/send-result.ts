/**
 * What one collector request came to. The sender never throws: every failure is one of these, so the
 * reporter decides retries from data (OTel exporters return an ExportResult the same way).
 */
export type SendResult =
  | { readonly kind: 'ok' }
  /** Network error, timeout, 5xx or 429: the same message may succeed later. */
  | { readonly kind: 'retryable'; readonly reason: string }
  /** Any other answer (4xx, 3xx): resending the same bytes gets the same answer. */
  | { readonly kind: 'permanent'; readonly status: number; readonly reason: string };

/**
 * Sends one message body to the collector. Resolves, never rejects; when `signal` aborts, the request is
 * torn down and the result is `retryable` with reason `aborted`.
 */
export type SendFunction = (body: Buffer, signal: AbortSignal) => Promise<SendResult>;
