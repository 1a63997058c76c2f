import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { toZipkinSpan } from './to-zipkin-span';
import type { SpanSink, ZipkinSpanSink } from './zipkin-span-sink';
import type { ZipkinEndpoint } from './zipkin-span';

/** The Zipkin exporter's sink for SDK spans: maps each to the Zipkin model, then reports it (reporter or stdout). */
export class ZipkinMappingSink implements SpanSink<ReadableSpan> {
  constructor(
    private readonly sink: ZipkinSpanSink,
    private readonly localEndpoint: ZipkinEndpoint,
    /** Tags on every span (tracing.staticTags and OTEL_RESOURCE_ATTRIBUTES); undefined when there are none. */
    private readonly staticTags?: Readonly<Record<string, string>>,
  ) {}

  report(span: ReadableSpan): void {
    this.sink.report(toZipkinSpan(span, this.localEndpoint, this.staticTags));
  }

  flush(): Promise<void> {
    return this.sink.flush();
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}
