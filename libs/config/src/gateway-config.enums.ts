/** Enumerations shared by the config DTOs, the Helm chart's values.schema.json and the README. */
export const ZIPKIN_API_VERSIONS = ['v1', 'v2'] as const;
export type ZipkinApiVersion = (typeof ZIPKIN_API_VERSIONS)[number];

export const ZIPKIN_ENCODINGS = ['json', 'thrift', 'proto3'] as const;
export type ZipkinEncoding = (typeof ZIPKIN_ENCODINGS)[number];

/** OTEL_TRACES_EXPORTER names: each listed exporter gets every sampled span, through its own queue. */
export const TRACE_EXPORTERS = ['zipkin', 'otlp'] as const;
export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];

/** OTEL_EXPORTER_OTLP_PROTOCOL values we speak: OTLP over HTTP only (no grpc). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** OTEL_EXPORTER_OTLP_COMPRESSION values. */
export const OTLP_COMPRESSIONS = ['gzip', 'none'] as const;
export type OtlpCompression = (typeof OTLP_COMPRESSIONS)[number];

/** OTEL_PROPAGATORS names: `b3` is the single header, `b3multi` the X-B3-* headers. */
export const PROPAGATORS = ['b3multi', 'b3', 'tracecontext'] as const;
export type PropagatorName = (typeof PROPAGATORS)[number];

/** OTEL_TRACES_SAMPLER names. */
export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export const TRACE_ID_BITS = [64, 128] as const;
export type TraceIdBits = (typeof TRACE_ID_BITS)[number];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
