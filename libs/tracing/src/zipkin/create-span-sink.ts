import type { Meter } from '@opentelemetry/api';
import { collectorSecrets, scrubSecrets, type SpanExportConfig, type ZipkinConfig } from '@app/config';
import type { BufferedLineWriter } from '../output/buffered-line-writer';
import { spanBytesEncoderFor } from './encoders/span-bytes-encoders';
import type { ReporterLogger } from './reporter/rate-limited-log';
import { SpanReporter } from './reporter/span-reporter';
import { StdoutSpanSink } from './stdout-span-sink';
import type { ZipkinSpanSink } from './zipkin-span-sink';

/** The reporter for the configured collector and encoding, or V2 JSON lines on stdout without a collector. */
export function createSpanSink(zipkin: ZipkinConfig, queue: SpanExportConfig, meter: Meter, stdout: BufferedLineWriter, logger: ReporterLogger): ZipkinSpanSink {
  if (zipkin.endpoint === undefined) return new StdoutSpanSink(stdout);
  const encoder = spanBytesEncoderFor(zipkin.apiVersion, zipkin.encoding);
  // Collector answers can echo the URL (Spring's 404 JSON) or request headers: no secret reaches a log line.
  const secrets = collectorSecrets(zipkin.endpoint, zipkin.headers);
  const scrubbingLogger: ReporterLogger = {
    warn: (message) => logger.warn(scrubSecrets(message, secrets)),
    error: (message) => logger.error(scrubSecrets(message, secrets)),
  };
  return new SpanReporter({
    exporter: 'zipkin',
    endpointUrl: collectorUrl(zipkin.endpoint, encoder.path),
    encoder,
    headers: zipkin.headers,
    gzip: zipkin.gzip,
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
    meter,
    logger: scrubbingLogger,
  });
}

/** A base URL without a path gets the encoding's standard path; a URL with a path is used as given. */
export function collectorUrl(endpoint: string, standardPath: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = standardPath;
  return url.href;
}
