import type { ZipkinSpan } from './zipkin-span';

/** Where finished spans go: the Zipkin reporter, or stdout when no collector is configured. */
export interface ZipkinSpanSink {
  /** Called on the request path: cheap, never throws. */
  report(span: ZipkinSpan): void;
  /** Sends what is queued now and waits for it. */
  flush(): Promise<void>;
  /** Flushes within the configured close timeout, then releases resources. Idempotent. */
  close(): Promise<void>;
}
