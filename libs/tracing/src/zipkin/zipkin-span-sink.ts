import type { ZipkinSpan } from './zipkin-span';

/** Where one exporter's finished spans go: its reporter, or stdout when Zipkin has no collector. */
export interface SpanSink<S> {
  /** Called on the request path: cheap, never throws. */
  report(span: S): void;
  /** Sends what is queued now and waits for it. */
  flush(): Promise<void>;
  /** Flushes within the configured close timeout, then releases resources. Idempotent. */
  close(): Promise<void>;
}

/** Where Zipkin spans go: the Zipkin reporter, or stdout when no collector is configured. */
export type ZipkinSpanSink = SpanSink<ZipkinSpan>;
