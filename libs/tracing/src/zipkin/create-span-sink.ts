import type { Meter } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { collectorSecrets, scrubSecrets, type GatewayConfig, type SpanExportConfig, type ZipkinConfig } from '@app/config';
import { createOtlpSink } from '../otlp/create-otlp-sink';
import type { BufferedLineWriter } from '../output/buffered-line-writer';
import { staticTagsOf } from '../sdk/static-tags';
import { spanBytesEncoderFor } from './encoders/span-bytes-encoders';
import type { ReporterLogger } from './reporter/rate-limited-log';
import { SpanReporter } from './reporter/span-reporter';
import { StdoutSpanSink } from './stdout-span-sink';
import type { ExporterName } from './reporter/reporter-metrics';
import { ZipkinMappingSink } from './zipkin-mapping-sink';
import type { SpanSink, ZipkinSpanSink } from './zipkin-span-sink';

/**
 * One sink per exporter listed in tracing.exporters, in that order; each has its own queue, so a slow or dead
 * collector never delays another exporter, nor a request.
 */
export function createSpanSinks(
  config: Pick<GatewayConfig, 'tracing' | 'zipkin' | 'otlp' | 'spanExport'>,
  meter: Meter,
  stdout: BufferedLineWriter,
  loggerFor: (exporter: ExporterName) => ReporterLogger,
): SpanSink<ReadableSpan>[] {
  return config.tracing.exporters.map((exporter) =>
    exporter === 'otlp'
      ? createOtlpSink(config.otlp, config.tracing, config.spanExport, meter, loggerFor('otlp'))
      : new ZipkinMappingSink(createSpanSink(config.zipkin, config.spanExport, meter, stdout, loggerFor('zipkin')), { serviceName: config.tracing.serviceName }, staticTagsOf(config.tracing)),
  );
}

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
