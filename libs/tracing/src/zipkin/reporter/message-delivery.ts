import type { ReporterMetrics } from './reporter-metrics';
import type { RateLimitedLog } from './rate-limited-log';
import { backoffDelayMs, decideAfterSend } from './retry-policy';
import type { PrepareFunction, SendFunction, SendResult } from './send-result';

export interface DeliveryContext {
  /** Who the collector is to a reader of the log: `Zipkin` or `OTLP`. */
  readonly label: string;
  /** Called once per message (until it succeeds): every attempt sends the payload it made. */
  readonly prepare: PrepareFunction;
  readonly send: SendFunction;
  /** Aborted when close() runs out of time: the request is torn down and no retry follows. */
  readonly signal: AbortSignal;
  readonly metrics: ReporterMetrics;
  readonly log: RateLimitedLog;
  /** The collector URL, redacted: the only form of it allowed in a log line. */
  readonly collector: string;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly random: () => number;
}

/**
 * Sends one message until it is delivered, rejected, out of attempts or aborted by close, and counts
 * how it ended. Resolves, never rejects.
 */
export async function deliverMessage(ctx: DeliveryContext, body: Buffer, spanCount: number): Promise<void> {
  ctx.metrics.messageBuilt(body.length);
  const wire: WirePayload = {};
  for (let attempt = 1; ; attempt += 1) {
    const result = await attemptOnce(ctx, body, wire);
    if (ctx.signal.aborted && result.kind !== 'ok') return abandon(ctx, spanCount);
    const decision = decideAfterSend(result, attempt, ctx.maxAttempts);
    if (decision.kind === 'delivered') {
      const rejected = result.kind === 'ok' ? Math.min(spanCount, result.rejectedSpans ?? 0) : 0;
      ctx.metrics.spansDelivered(spanCount - rejected);
      ctx.metrics.message('sent');
      if (rejected > 0) logPartialSuccess(ctx, rejected, spanCount, result.kind === 'ok' ? result.reason : undefined);
      return;
    }
    const reason = result.kind === 'ok' ? '' : result.reason;
    if (decision.kind === 'give_up') {
      ctx.metrics.dropped(decision.cause, spanCount);
      ctx.metrics.message('failed');
      logGiveUp(ctx, result, decision.cause, spanCount);
      return;
    }
    ctx.metrics.message('retried');
    const delayMs = retryDelayMs(result, attempt, ctx);
    ctx.log.warn('retry', `${ctx.label} collector ${ctx.collector}: ${spanCount} spans not sent (attempt ${attempt}/${ctx.maxAttempts}), retrying in ${delayMs} ms: ${reason}`);
    await abortableDelay(delayMs, ctx.signal);
    if (ctx.signal.aborted) return abandon(ctx, spanCount);
  }
}

/** The bytes a message goes out as, kept across its attempts. */
interface WirePayload {
  payload?: Buffer;
}

/** One attempt: the payload is prepared by the first attempt and resent as it is by the later ones. */
async function attemptOnce(ctx: DeliveryContext, body: Buffer, wire: WirePayload): Promise<SendResult> {
  if (wire.payload === undefined) {
    // The contract says prepare never rejects; an injected one that does still must not escape.
    const prepared = await ctx.prepare(body).catch(() => ({ kind: 'retryable', reason: 'prepare failed unexpectedly' }) as const);
    if (prepared.kind !== 'ready') return prepared;
    wire.payload = prepared.payload;
  }
  return timedSend(ctx, wire.payload);
}

async function timedSend(ctx: DeliveryContext, payload: Buffer): Promise<SendResult> {
  const started = performance.now();
  let result: SendResult;
  try {
    result = await ctx.send(payload, ctx.signal);
  } catch {
    // The contract says a sender never rejects; an injected one that does still must not escape.
    result = { kind: 'retryable', reason: 'sender failed unexpectedly' };
  }
  ctx.metrics.sendFinished((performance.now() - started) / 1000);
  return result;
}

function logGiveUp(ctx: DeliveryContext, result: SendResult, cause: 'rejected' | 'send_failed', spanCount: number): void {
  if (result.kind === 'permanent') {
    // Keyed by status: each distinct rejection is logged; repeats of the same one are counted.
    ctx.log.error(`rejected:${result.status}`, `${ctx.label} collector ${ctx.collector} rejected ${spanCount} spans (not retried): ${result.reason}`);
  } else if (result.kind === 'retryable') {
    ctx.log.warn(cause, `${ctx.label} collector ${ctx.collector}: dropped ${spanCount} spans after ${ctx.maxAttempts} attempts: ${result.reason}`);
  }
}

/** The collector accepted the request but refused some of its spans (OTLP partial success): counted as rejected. */
function logPartialSuccess(ctx: DeliveryContext, rejected: number, spanCount: number, reason: string | undefined): void {
  ctx.metrics.dropped('rejected', rejected);
  ctx.log.warn('partial_success', `${ctx.label} collector ${ctx.collector} rejected ${rejected} of ${spanCount} spans (partial success)${reason ? `: ${reason}` : ''}`);
}

/** Backoff with jitter, or the collector's Retry-After when it asks for longer (capped at maxBackoffMs). */
function retryDelayMs(result: SendResult, attempt: number, ctx: DeliveryContext): number {
  const backoff = backoffDelayMs(attempt, ctx.initialBackoffMs, ctx.maxBackoffMs, ctx.random);
  const asked = result.kind === 'retryable' ? result.retryAfterMs : undefined;
  return asked === undefined ? backoff : Math.min(ctx.maxBackoffMs, Math.max(backoff, asked));
}

function abandon(ctx: DeliveryContext, spanCount: number): void {
  ctx.metrics.dropped('close_timeout', spanCount);
  ctx.metrics.message('failed');
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    // A pending retry must not keep the process alive.
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
