import { context, diag, metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@app/config';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanSink } from '../zipkin/zipkin-span-sink';
import { ExportingSpanProcessor } from './exporting-span-processor';
import { GatewayIdGenerator } from './trace-id-generator';
import { GatewaySampler } from './gateway-sampler';
import { LocalHistogramProducer } from './local-histograms';

export const TRACER_NAME = 'external-proxy';

/** The running OpenTelemetry SDK: our tracer, meter and request-path histograms, the Prometheus reader, and an orderly stop. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Histograms recorded per request, exported by the same reader under the meter's scope. */
  readonly histograms: LocalHistogramProducer;
  readonly prometheus: PrometheusExporter;
  /** Flushes queued spans (bounded by the sink's close timeout) and stops the providers. */
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Starts tracing and metrics before Nest creates the app (TelemetryModule hands its tracer and meter to Nest; the global
 * meter provider). A second start is refused: two providers would split spans and metrics.
 */
export function startTelemetry(tracing: TracingConfig, createSinks: (meter: Meter) => SpanSink<ReadableSpan>[]): Telemetry {
  if (running !== undefined) throw new Error('external-proxy: telemetry is already started');
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: tracing.serviceName });

  // The meter's scope: name only (getMeter's version is empty, no schema URL), so otel_scope_name is all Prometheus shows.
  const histograms = new LocalHistogramProducer({ name: TRACER_NAME });
  const prometheus = new PrometheusExporter({ preventServerStart: true, metricProducers: [histograms] });
  const meterProvider = new MeterProvider({ resource, readers: [prometheus] });
  metrics.setGlobalMeterProvider(meterProvider);
  const meter = meterProvider.getMeter(TRACER_NAME);

  const sinks = createSinks(meter);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: new GatewaySampler(tracing.sampler, tracing.samplerArg),
    idGenerator: new GatewayIdGenerator(tracing.traceIdBits),
    spanProcessors: [new ExportingSpanProcessor(sinks)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);

  const telemetry: Telemetry = {
    tracer: tracerProvider.getTracer(TRACER_NAME),
    meter,
    histograms,
    prometheus,
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown().catch((error: unknown) => diag.error('external-proxy: span flush failed', error));
      await meterProvider.shutdown().catch((error: unknown) => diag.error('external-proxy: metrics shutdown failed', error));
      trace.disable();
      metrics.disable();
      context.disable();
      running = undefined;
    },
  };
  running = telemetry;
  return telemetry;
}
