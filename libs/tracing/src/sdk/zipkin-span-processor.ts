import { TraceFlags, diag } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { toZipkinSpan } from '../zipkin/to-zipkin-span';
import type { ZipkinSpanSink } from '../zipkin/zipkin-span-sink';
import type { ZipkinEndpoint } from '../zipkin/zipkin-span';

/**
 * Maps each sampled span to the Zipkin model as it ends and hands it to the sink, which queues it off
 * the request path. Replaces BatchSpanProcessor: the reporter does its own bounded batching in bytes.
 */
export class ZipkinSpanProcessor implements SpanProcessor {
  constructor(
    private readonly sink: ZipkinSpanSink,
    private readonly localEndpoint: ZipkinEndpoint,
    /** Tags on every span (tracing.staticTags and OTEL_RESOURCE_ATTRIBUTES); undefined when there are none. */
    private readonly staticTags?: Readonly<Record<string, string>>,
  ) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    try {
      this.sink.report(toZipkinSpan(span, this.localEndpoint, this.staticTags));
    } catch (error) {
      diag.error('external-proxy: a span could not be mapped to Zipkin and was dropped', error);
    }
  }

  forceFlush(): Promise<void> {
    return this.sink.flush();
  }

  shutdown(): Promise<void> {
    return this.sink.close();
  }
}
