import type { Meter } from '@opentelemetry/api';
import type { SpanBytesEncoder } from '../span-bytes-encoder';
import type { ReporterLogger } from './rate-limited-log';
import type { SendFunction } from './send-result';

/** Mirrors the `zipkin` config section (ZipkinConfig); sizes are encoded bytes, before gzip. */
export interface ZipkinReporterOptions {
  /** Full collector URL, path included. A secret: logged only through redactUrl. */
  readonly endpointUrl: string;
  readonly encoder: SpanBytesEncoder;
  readonly headers: Readonly<Record<string, string>>;
  readonly gzip: boolean;
  readonly queuedMaxSpans: number;
  readonly queuedMaxBytes: number;
  /** A message is built once this many bytes are queued; a span that alone exceeds it is dropped. */
  readonly messageMaxBytes: number;
  readonly messageMaxSpans: number;
  /** A partial message is sent this long after the oldest queued span at the latest. */
  readonly flushIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** Messages being sent or waiting to retry at once; further spans wait in the bounded queue. */
  readonly maxInFlight: number;
  /** Tries per message, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly closeTimeoutMs: number;
  readonly meter: Meter;
  readonly logger: ReporterLogger;
  /** Replaces the HTTP sender (unit tests): it then receives bodies before gzip and owns the headers. */
  readonly send?: SendFunction;
}
