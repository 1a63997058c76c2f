import type { Meter } from '@opentelemetry/api';
import { collectorSecrets, scrubSecrets, type ZipkinConfig } from '@app/config';
import type { BufferedLineWriter } from '../output/buffered-line-writer';
import { spanBytesEncoderFor } from './encoders/span-bytes-encoders';
import type { ReporterLogger } from './reporter/rate-limited-log';
import { ZipkinReporter } from './reporter/zipkin-reporter';
import { StdoutSpanSink } from './stdout-span-sink';
import type { ZipkinSpanSink } from './zipkin-span-sink';

/** The reporter for the configured collector and encoding, or V2 JSON lines on stdout without a collector. */
export function createSpanSink(zipkin: ZipkinConfig, meter: Meter, stdout: BufferedLineWriter, logger: ReporterLogger): ZipkinSpanSink {
  if (zipkin.endpoint === undefined) return new StdoutSpanSink(stdout);
  const encoder = spanBytesEncoderFor(zipkin.apiVersion, zipkin.encoding);
  // Collector answers can echo the URL (Spring's 404 JSON) or request headers: no secret reaches a log line.
  const secrets = collectorSecrets(zipkin.endpoint, zipkin.headers);
  const scrubbingLogger: ReporterLogger = {
    warn: (message) => logger.warn(scrubSecrets(message, secrets)),
    error: (message) => logger.error(scrubSecrets(message, secrets)),
  };
  return new ZipkinReporter({
    endpointUrl: collectorUrl(zipkin.endpoint, encoder.path),
    encoder,
    headers: zipkin.headers,
    gzip: zipkin.gzip,
    queuedMaxSpans: zipkin.queuedMaxSpans,
    queuedMaxBytes: zipkin.queuedMaxBytes,
    messageMaxBytes: zipkin.messageMaxBytes,
    messageMaxSpans: zipkin.messageMaxSpans,
    flushIntervalMs: zipkin.flushIntervalMs,
    requestTimeoutMs: zipkin.requestTimeoutMs,
    maxInFlight: zipkin.maxInFlight,
    maxAttempts: zipkin.maxAttempts,
    initialBackoffMs: zipkin.initialBackoffMs,
    maxBackoffMs: zipkin.maxBackoffMs,
    closeTimeoutMs: zipkin.closeTimeoutMs,
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
