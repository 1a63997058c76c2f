import type { Meter } from '@opentelemetry/api';
import { collectorSecrets, type SpanExportConfig, type ZipkinConfig } from '@app/config';
import type { BufferedLineWriter } from '../output/buffered-line-writer';
import { spanBytesEncoderFor } from './encoders/span-bytes-encoders';
import type { ReporterLogger } from './reporter/rate-limited-log';
import { reporterQueueSettings, secretScrubbingLogger } from './reporter/reporter-settings';
import { SpanReporter } from './reporter/span-reporter';
import { StdoutSpanSink } from './stdout-span-sink';
import type { ZipkinSpanSink } from './zipkin-span-sink';

/** The reporter for the configured collector and encoding, or V2 JSON lines on stdout without a collector. */
export function createSpanSink(zipkin: ZipkinConfig, queue: SpanExportConfig, meter: Meter, stdout: BufferedLineWriter, logger: ReporterLogger): ZipkinSpanSink {
  if (zipkin.endpoint === undefined) return new StdoutSpanSink(stdout);
  const encoder = spanBytesEncoderFor(zipkin.apiVersion, zipkin.encoding);
  return new SpanReporter({
    exporter: 'zipkin',
    endpointUrl: collectorUrl(zipkin.endpoint, encoder.path),
    encoder,
    headers: zipkin.headers,
    gzip: zipkin.gzip,
    ...reporterQueueSettings(queue),
    meter,
    logger: secretScrubbingLogger(logger, collectorSecrets(zipkin.endpoint, zipkin.headers)),
  });
}

/** A base URL without a path gets the encoding's standard path; a URL with a path is used as given. */
export function collectorUrl(endpoint: string, standardPath: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = standardPath;
  return url.href;
}
