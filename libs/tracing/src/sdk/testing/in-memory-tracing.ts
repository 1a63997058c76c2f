import type { Attributes, SpanKind, Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SamplerName, TraceIdBits } from '@app/config';
import { GatewaySampler } from '../gateway-sampler';
import { GatewayIdGenerator } from '../trace-id-generator';

export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  readonly tracer: Tracer;
}

/** A real SDK pipeline with the gateway's sampler and id generator, exporting to memory. */
export function makeTracing(sampler: SamplerName, ratio = 1, traceIdBits: TraceIdBits = 128): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler: new GatewaySampler(sampler, ratio),
    idGenerator: new GatewayIdGenerator(traceIdBits),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  return { exporter, tracer: provider.getTracer('in-memory-tracing') };
}

/** What a test asserts about an exported span. */
export interface SpanSummary {
  readonly name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly id: string;
  readonly parentId: string | undefined;
  readonly attributes: Attributes;
}

export const summarize = (span: ReadableSpan): SpanSummary => ({
  name: span.name,
  kind: span.kind,
  traceId: span.spanContext().traceId,
  id: span.spanContext().spanId,
  parentId: span.parentSpanContext?.spanId,
  attributes: span.attributes,
});
