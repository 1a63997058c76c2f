import { scrubSecrets, type SpanExportConfig } from '@app/config';
import type { ReporterLogger } from './rate-limited-log';
import type { SpanReporterOptions } from './reporter-options';

type QueueSettings = Pick<
  SpanReporterOptions<unknown>,
  | 'queuedMaxSpans'
  | 'queuedMaxBytes'
  | 'messageMaxBytes'
  | 'messageMaxSpans'
  | 'flushIntervalMs'
  | 'requestTimeoutMs'
  | 'maxInFlight'
  | 'maxAttempts'
  | 'initialBackoffMs'
  | 'maxBackoffMs'
  | 'closeTimeoutMs'
>;

/** One exporter's queue, batching, retry and timeout settings: the shared `spanExport` section. */
export function reporterQueueSettings(queue: SpanExportConfig): QueueSettings {
  return {
    queuedMaxSpans: queue.queuedMaxSpans,
    queuedMaxBytes: queue.queuedMaxBytes,
    messageMaxBytes: queue.messageMaxBytes,
    messageMaxSpans: queue.messageMaxSpans,
    flushIntervalMs: queue.flushIntervalMs,
    requestTimeoutMs: queue.requestTimeoutMs,
    maxInFlight: queue.maxInFlight,
    maxAttempts: queue.maxAttempts,
    initialBackoffMs: queue.initialBackoffMs,
    maxBackoffMs: queue.maxBackoffMs,
    closeTimeoutMs: queue.closeTimeoutMs,
  };
}

/** Collector answers can echo the URL (Spring's 404 JSON) or request headers: no secret reaches a log line. */
export function secretScrubbingLogger(logger: ReporterLogger, secrets: readonly string[]): ReporterLogger {
  return {
    warn: (message) => logger.warn(scrubSecrets(message, secrets)),
    error: (message) => logger.error(scrubSecrets(message, secrets)),
  };
}
