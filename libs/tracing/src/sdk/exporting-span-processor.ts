import { TraceFlags, diag } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanSink } from '../zipkin/zipkin-span-sink';

/**
 * Hands each sampled span, as it ends, to every exporter's sink (tracing.exporters); each sink maps, encodes
 * and queues it off the request path in its own bounded queue, so one exporter's trouble never reaches another.
 * Replaces BatchSpanProcessor: the reporters do their own bounded batching in bytes.
 */
export class ExportingSpanProcessor implements SpanProcessor {
  constructor(private readonly sinks: readonly SpanSink<ReadableSpan>[]) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    for (const sink of this.sinks) {
      try {
        sink.report(span);
      } catch (error) {
        diag.error('external-proxy: a span could not be mapped for an exporter and was dropped', error);
      }
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.flush()));
  }

  /** Each sink flushes within its own close timeout, all at once: a dead collector does not delay the other. */
  async shutdown(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }
}
