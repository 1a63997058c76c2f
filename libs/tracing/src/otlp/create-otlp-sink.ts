import { readFileSync } from 'node:fs';
import type { Meter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { collectorSecrets, type OtlpConfig, type SpanExportConfig, type TracingConfig } from '@app/config';
import type { ReporterLogger } from '../zipkin/reporter/rate-limited-log';
import { reporterQueueSettings, secretScrubbingLogger } from '../zipkin/reporter/reporter-settings';
import { SpanReporter } from '../zipkin/reporter/span-reporter';
import type { SpanSink } from '../zipkin/zipkin-span-sink';
import { OtlpSpanEncoder } from './otlp-span-encoders';
import { createOtlpSender } from './otlp-sender';
import type { OtlpSpanOrigin } from './to-otlp-span';

/** Our instrumentation scope on every OTLP span. */
export const OTLP_SCOPE_NAME = 'external-proxy';

/**
 * The OTLP exporter: its own reporter (its own queue, sized by the shared spanExport section),
 * the configured protocol and an HTTP sender. Its logger never sees the endpoint's or the headers' secrets.
 */
export function createOtlpSink(
  otlp: OtlpConfig,
  tracing: Pick<TracingConfig, 'serviceName' | 'staticTags' | 'resourceAttributes'>,
  queue: SpanExportConfig,
  meter: Meter,
  logger: ReporterLogger,
): SpanSink<ReadableSpan> {
  if (otlp.endpoint === undefined) throw new Error('external-proxy: otlp.endpoint is required for the otlp exporter');
  const encoder = new OtlpSpanEncoder(otlp.protocol, otlpOrigin(tracing));
  const requestTimeoutMs = otlp.timeoutMs ?? queue.requestTimeoutMs;
  const gzip = otlp.compression === 'gzip';
  const transport = createOtlpSender({
    endpointUrl: otlp.endpoint,
    protocol: otlp.protocol,
    contentType: encoder.contentType,
    headers: otlp.headers,
    gzip,
    requestTimeoutMs,
    maxInFlight: queue.maxInFlight,
    ca: otlp.tls.caFile === undefined ? undefined : readCaFile(otlp.tls.caFile),
  });
  return new SpanReporter<ReadableSpan>({
    exporter: 'otlp',
    endpointUrl: otlp.endpoint,
    encoder,
    headers: otlp.headers,
    gzip,
    ...reporterQueueSettings(queue),
    requestTimeoutMs,
    meter,
    logger: secretScrubbingLogger(logger, collectorSecrets(otlp.endpoint, otlp.headers)),
    transport,
  });
}

/** TLS material named in the config cannot be read: raised at boot, reported as a configuration problem. */
export class OtlpTlsFileError extends Error {
  override readonly name = 'OtlpTlsFileError';
}

function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new OtlpTlsFileError(`otlp.tls.caFile (${file}): cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * The OTLP resource: tracing.staticTags, then OTEL_RESOURCE_ATTRIBUTES winning per key (the attributes Zipkin
 * puts on each span as tags), and service.name from tracing.serviceName (OTEL_SERVICE_NAME wins, as in the SDK).
 */
export function otlpOrigin(tracing: Pick<TracingConfig, 'serviceName' | 'staticTags' | 'resourceAttributes'>): OtlpSpanOrigin {
  return {
    resource: resourceFromAttributes({ ...tracing.staticTags, ...tracing.resourceAttributes, [ATTR_SERVICE_NAME]: tracing.serviceName }),
    scope: { name: OTLP_SCOPE_NAME },
  };
}
