import { context, diag, metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@app/config';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanSink } from '../zipkin/zipkin-span-sink';
import { ExportingSpanProcessor } from './exporting-span-processor';
import { GatewayIdGenerator } from './trace-id-generator';
import { GatewaySampler } from './gateway-sampler';

export const TRACER_NAME = 'external-proxy';

/**
 * The HTTP semconv durations (unit `s`) under the names Prometheus users expect: the exporter writes no unit
 * suffix of its own, so `http.server.request.duration` would read `http_server_request_duration`.
 */
const PROMETHEUS_UNIT_VIEWS: ViewOptions[] = [
  { instrumentName: 'http.server.request.duration', name: 'http.server.request.duration_seconds' },
  { instrumentName: 'http.client.request.duration', name: 'http.client.request.duration_seconds' },
];

/** The running OpenTelemetry SDK: our tracer, the Prometheus reader, and an orderly stop. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
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

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ resource, readers: [prometheus], views: PROMETHEUS_UNIT_VIEWS });
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
