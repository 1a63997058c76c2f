import type { Meter } from '@opentelemetry/api';
import type { ReporterLogger } from './rate-limited-log';
import type { ExporterName } from './reporter-metrics';
import type { PrepareFunction, SendFunction } from './send-result';
import type { SpanEncoder } from './span-encoder';

/** A reporter's network I/O: prepare a message body once, send it per attempt, release sockets on close. */
export interface ReporterTransport {
  readonly prepare: PrepareFunction;
  readonly send: SendFunction;
  close(): void;
}

/**
 * One exporter's reporter: its encoder, its transport, and the queue settings (the `spanExport` config section,
 * applied to each exporter's own queue). Sizes are encoded bytes, before gzip.
 */
export interface SpanReporterOptions<S> {
  /** The `exporter` label of the reporter's metrics; also names the collector in log lines. */
  readonly exporter: ExporterName;
  /** Full collector URL, path included. A secret: logged only through redactUrl. */
  readonly endpointUrl: string;
  readonly encoder: SpanEncoder<S>;
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
  /** The exporter's HTTP sender; absent: the Zipkin sender, built from the options above. */
  readonly transport?: ReporterTransport;
  /** Replaces the HTTP sender (unit tests): it then receives bodies before gzip and owns the headers. */
  readonly send?: SendFunction;
}
