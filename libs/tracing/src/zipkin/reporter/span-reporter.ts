import { setMaxListeners } from 'node:events';
import { redactUrl } from '@app/config';
import type { SpanSink } from '../zipkin-span-sink';
import { ConditionWaiters, settlesWithin } from './condition-waiters';
import { deliverMessage, type DeliveryContext } from './message-delivery';
import { RateLimitedLog } from './rate-limited-log';
import type { ReporterTransport, SpanReporterOptions } from './reporter-options';
import { ReporterMetrics, type DropCause } from './reporter-metrics';
import type { PrepareFunction } from './send-result';
import type { SpanEncoder } from './span-encoder';
import { SpanQueue } from './span-queue';
import { createZipkinSender } from './zipkin-sender';

interface InFlightMessage {
  /** Queue position of the message's first span. */
  readonly first: number;
}

/** Collector names in log lines. */
const LABEL = { zipkin: 'Zipkin', otlp: 'OTLP' } as const;

/**
 * Queues encoded spans and sends them to one exporter's collector in bounded messages (zipkin-reporter's
 * AsyncReporter). One instance per exporter, each with its own queue, so a dead collector never holds up
 * another. Nothing here throws into the caller: failures are counted and logged, rate-limited.
 */
export class SpanReporter<S> implements SpanSink<S> {
  private readonly encoder: SpanEncoder<S>;
  private readonly label: string;
  private readonly queue: SpanQueue;
  private readonly metrics: ReporterMetrics;
  private readonly log: RateLimitedLog;
  private readonly sender?: ReporterTransport;
  private readonly abort = new AbortController();
  private readonly delivery: DeliveryContext;
  private readonly inFlight = new Set<InFlightMessage>();
  private readonly waiters = new ConditionWaiters();
  /** Queue position below which spans go out in partial messages (flush interval elapsed, flush(), close()). */
  private dueUpTo = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private closing?: Promise<void>;

  constructor(private readonly options: SpanReporterOptions<S>) {
    this.label = LABEL[options.exporter];
    this.encoder = options.encoder;
    this.queue = new SpanQueue({ maxSpans: options.queuedMaxSpans, maxBytes: options.queuedMaxBytes }, (bytes) =>
      this.encoder.sizeInMessage(bytes),
    );
    this.metrics = new ReporterMetrics(options.meter, options.exporter, () => ({ spans: this.queue.spans, bytes: this.queue.bytes }));
    this.log = new RateLimitedLog(options.logger);
    // Each message in flight listens for the abort (request or retry delay): no leak warning past 10.
    setMaxListeners(Math.max(10, options.maxInFlight + 1), this.abort.signal);
    let transport: Pick<ReporterTransport, 'prepare' | 'send'>;
    if (options.send) {
      transport = { prepare: sendBodyAsIs, send: options.send };
    } else {
      this.sender = options.transport ?? createZipkinSender({
        endpointUrl: options.endpointUrl,
        contentType: options.encoder.contentType,
        headers: options.headers,
        gzip: options.gzip,
        requestTimeoutMs: options.requestTimeoutMs,
        maxInFlight: options.maxInFlight,
      });
      transport = this.sender;
    }
    this.delivery = {
      label: this.label,
      prepare: transport.prepare,
      send: transport.send,
      signal: this.abort.signal,
      metrics: this.metrics,
      log: this.log,
      collector: redactUrl(options.endpointUrl),
      maxAttempts: options.maxAttempts,
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      random: Math.random,
    };
  }

  /** Cheap and never throws: encodes once, queues if both bounds allow, else counts a drop. */
  report(span: S): void {
    this.metrics.spanReported();
    if (this.closed) return this.drop('closed', `${this.label} reporter is closed: dropping spans`);
    // Checked before encoding too: while the collector is down, a full queue costs no encoding work.
    if (this.queue.spans >= this.options.queuedMaxSpans) return this.dropQueueFull();
    let encoded: Buffer;
    try {
      encoded = this.encoder.encodeSpan(span);
    } catch (error) {
      return this.drop('encoding_error', `${this.label} ${this.encoder.encoding} encoder failed, span dropped: ${errorMessage(error)}`);
    }
    this.metrics.spanEncoded(encoded.length);
    const aloneBytes = this.encoder.messageOverheadBytes + this.encoder.sizeInMessage(encoded.length);
    if (aloneBytes > this.options.messageMaxBytes) {
      return this.drop('too_large', `${this.label} span of ${encoded.length} bytes exceeds messageMaxBytes (${this.options.messageMaxBytes}): dropped`);
    }
    if (!this.queue.offer(encoded)) return this.dropQueueFull();
    this.armTimer();
    this.drain();
  }

  /** Sends every span queued now and resolves when those messages have ended (like OTel's forceFlush). */
  async flush(): Promise<void> {
    const target = this.queue.enqueued;
    this.dueUpTo = Math.max(this.dueUpTo, target);
    this.drain();
    await this.waiters.until(() => this.queue.dequeued >= target && ![...this.inFlight].some((m) => m.first < target));
  }

  /**
   * Refuses new spans, flushes for at most closeTimeoutMs, then drops what is left and aborts requests.
   * Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.disarmTimer();
    const flushed = await settlesWithin(this.flush(), this.options.closeTimeoutMs);
    if (!flushed) {
      this.abort.abort();
      const left = this.queue.clear();
      this.metrics.dropped('close_timeout', left);
      this.log.warn('close_timeout', `${this.label} reporter not flushed within ${this.options.closeTimeoutMs} ms: dropped ${left} queued spans, aborted ${this.inFlight.size} messages`);
      // Aborted requests and retry delays settle at once, and count their own spans.
      await this.waiters.until(() => this.inFlight.size === 0);
    }
    this.sender?.close();
    this.metrics.dispose();
  }

  private drop(cause: DropCause, message: string): void {
    this.metrics.dropped(cause, 1);
    this.log.warn(cause, message);
  }

  private dropQueueFull(): void {
    this.drop('queue_full', `${this.label} reporter queue full (${this.queue.spans} spans, ${this.queue.bytes} bytes): dropping spans`);
  }

  /** Starts messages while a slot is free and a full message, or a due partial one, is queued. */
  private drain(): void {
    const { messageMaxBytes, messageMaxSpans, maxInFlight } = this.options;
    const overhead = this.encoder.messageOverheadBytes;
    while (this.inFlight.size < maxInFlight && this.queue.spans > 0 && !this.abort.signal.aborted) {
      const full = this.queue.spans >= messageMaxSpans || overhead + this.queue.messageBytes >= messageMaxBytes;
      if (!full && this.queue.dequeued >= this.dueUpTo) break;
      this.startMessage(this.queue.dequeued, this.queue.take(messageMaxSpans, messageMaxBytes - overhead));
    }
    if (this.queue.spans === 0) this.disarmTimer();
    this.waiters.notify();
  }

  private startMessage(first: number, spans: Buffer[]): void {
    let body: Buffer;
    try {
      body = this.encoder.encodeMessage(spans);
    } catch (error) {
      this.metrics.dropped('encoding_error', spans.length);
      this.log.warn('encoding_error', `${this.label} ${this.encoder.encoding} message framing failed, ${spans.length} spans dropped: ${errorMessage(error)}`);
      return;
    }
    const message: InFlightMessage = { first };
    this.inFlight.add(message);
    void deliverMessage(this.delivery, body, spans.length)
      // deliverMessage resolves by contract; a bug must still never become an unhandled rejection.
      .catch((error: unknown) => this.log.error('internal', `${this.label} reporter failed unexpectedly: ${errorMessage(error)}`))
      .finally(() => {
        this.inFlight.delete(message);
        this.drain();
      });
  }

  private armTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueUpTo = this.queue.enqueued;
      this.drain();
    }, this.options.flushIntervalMs);
    // Telemetry must never hold the process open.
    this.timer.unref();
  }

  private disarmTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** An injected `send` owns the wire format: it receives message bodies as encoded. */
const sendBodyAsIs: PrepareFunction = (body) => Promise.resolve({ kind: 'ready', payload: body });

/** Checked by shape: an encoder's error may come from another realm (Jest's sandbox, vm contexts). */
function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
