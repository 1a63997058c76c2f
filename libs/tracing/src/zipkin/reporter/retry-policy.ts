import type { SendResult } from './send-result';

/** What the reporter does with a message after one attempt. */
export type SendDecision =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry' }
  /** `rejected`: the collector refused the bytes (permanent); `send_failed`: out of attempts. */
  | { readonly kind: 'give_up'; readonly cause: 'rejected' | 'send_failed' };

/** Characters of the collector's answer kept in a rejection reason: enough for Zipkin's error text. */
export const ANSWER_EXCERPT_CHARS = 200;

/**
 * Delay before retry number `retry` (1 = the first retry): exponential, capped, with full jitter
 * (uniform in [0, min(max, initial·2^(retry-1)))), so many gateways recovering at once do not retry in step.
 */
export function backoffDelayMs(retry: number, initialMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** `attempt` counts from 1; `maxAttempts` includes the first try. */
export function decideAfterSend(result: SendResult, attempt: number, maxAttempts: number): SendDecision {
  switch (result.kind) {
    case 'ok':
      return { kind: 'delivered' };
    case 'permanent':
      return { kind: 'give_up', cause: 'rejected' };
    case 'retryable':
      return attempt < maxAttempts ? { kind: 'retry' } : { kind: 'give_up', cause: 'send_failed' };
  }
}

/**
 * Maps a collector's HTTP answer: 2xx is accepted (collectors answer 202); 429 and 5xx are transient;
 * any other status means these bytes will never be accepted (wrong encoding for the path, bad token).
 */
export function classifyResponse(status: number, answer: string): SendResult {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const excerpt = answerExcerpt(answer);
  const reason = excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
  if (status === 429 || (status >= 500 && status < 600)) return { kind: 'retryable', reason };
  return { kind: 'permanent', status, reason };
}

/** One line of at most ANSWER_EXCERPT_CHARS, so a collector's answer cannot forge log lines. */
export function answerExcerpt(answer: string): string {
  const line = answer.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return line.length > ANSWER_EXCERPT_CHARS ? `${line.slice(0, ANSWER_EXCERPT_CHARS)}…` : line;
}
