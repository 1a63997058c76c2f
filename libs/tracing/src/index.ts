export { B3_MULTI_HEADERS, B3_SINGLE_HEADER, formatB3Multi, formatB3Single, parseB3Multi, parseB3Single } from './propagation/b3';
export { extractInboundTrace, type InboundTraceOptions } from './propagation/inbound-trace';
export { TRACE_HEADERS, formatTraceHeaders } from './propagation/outbound-trace-headers';
export { TRACEPARENT_HEADER, formatTraceparent, parseTraceparent } from './propagation/traceparent';
export { TRACESTATE_HEADER } from './propagation/tracestate';
export {
  parseSpanId,
  parseTraceId,
  toOtelTraceId,
  toWireTraceId,
  type InboundTrace,
  type OutboundTrace,
  type SamplingDecision,
  type SamplingState,
  type TraceIds,
} from './propagation/trace-ids';
export { GatewaySampler, INBOUND_SAMPLING_KEY, SAMPLER_RATIO_KEY, ZIPKIN_DEBUG_ATTRIBUTE } from './sdk/gateway-sampler';
export { contextFromInbound, startProxySpans, type ProxySpanOptions, type ProxySpans } from './sdk/gateway-spans';
export { spanTimeAt } from './sdk/span-clock';
export { LOCAL_HISTOGRAMS, METER, TRACER, TelemetryModule, type TelemetryHandles } from './sdk/telemetry.module';
export { LocalHistogramProducer, type LocalHistogram } from './sdk/local-histograms';
export { startTelemetry, TRACER_NAME, type Telemetry } from './sdk/start-telemetry';
export { staticTagsOf } from './sdk/static-tags';
export { ExportingSpanProcessor } from './sdk/exporting-span-processor';
export { GatewayIdGenerator } from './sdk/trace-id-generator';
export { BufferedLineWriter } from './output/buffered-line-writer';
export { ENDPOINT_ATTRIBUTE, TAG } from './zipkin/span-attributes';
export { collectorUrl, createSpanSink } from './zipkin/create-span-sink';
export { createSpanSinks } from './sdk/create-span-sinks';
export { ZipkinMappingSink } from './zipkin/zipkin-mapping-sink';
export { createOtlpSink, OtlpTlsFileError, otlpOrigin } from './otlp/create-otlp-sink';
export { OtlpSpanEncoder } from './otlp/otlp-span-encoders';
export { toOtlpAttributes, toOtlpSpan, type OtlpSpanOrigin } from './otlp/to-otlp-span';
export { StdoutSpanSink } from './zipkin/stdout-span-sink';
export { toZipkinSpan } from './zipkin/to-zipkin-span';
export type { SpanSink, ZipkinSpanSink } from './zipkin/zipkin-span-sink';
export type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin/zipkin-span';
export type { SpanBytesEncoder, ZipkinEncodingName } from './zipkin/span-bytes-encoder';
export { SpanReporter } from './zipkin/reporter/span-reporter';
export type { ReporterTransport, SpanReporterOptions } from './zipkin/reporter/reporter-options';
export type { ReporterLogger } from './zipkin/reporter/rate-limited-log';
export { REPORTER_METRIC_NAMES } from './zipkin/reporter/reporter-metrics';
