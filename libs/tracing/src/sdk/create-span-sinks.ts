import type { Meter } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { GatewayConfig } from '@app/config';
import { createOtlpSink } from '../otlp/create-otlp-sink';
import type { BufferedLineWriter } from '../output/buffered-line-writer';
import { createSpanSink } from '../zipkin/create-span-sink';
import type { ReporterLogger } from '../zipkin/reporter/rate-limited-log';
import type { ExporterName } from '../zipkin/reporter/reporter-metrics';
import { ZipkinMappingSink } from '../zipkin/zipkin-mapping-sink';
import type { SpanSink } from '../zipkin/zipkin-span-sink';
import { staticTagsOf } from './static-tags';

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
