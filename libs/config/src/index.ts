export {
  GatewayConfig,
  IngressGatewayConfig,
  LoggingConfig,
  OtlpConfig,
  OtlpTlsConfig,
  RouteConfig,
  ServerConfig,
  SpanExportConfig,
  TracingConfig,
  UpstreamTlsConfig,
  ZipkinConfig,
} from './gateway-config.dto';
export {
  HTTP_METHODS,
  LOG_LEVELS,
  OTLP_COMPRESSIONS,
  OTLP_PROTOCOLS,
  PROPAGATORS,
  SAMPLERS,
  TRACE_EXPORTERS,
  TRACE_ID_BITS,
  ZIPKIN_API_VERSIONS,
  ZIPKIN_ENCODINGS,
  type HttpMethod,
  type LogLevel,
  type OtlpCompression,
  type OtlpProtocol,
  type PropagatorName,
  type SamplerName,
  type TraceExporterName,
  type TraceIdBits,
  type ZipkinApiVersion,
  type ZipkinEncoding,
} from './gateway-config.enums';
export { GatewayConfigError } from './gateway-config.error';
export { GatewayConfigModule, type GatewayConfigTree } from './gateway-config.module';
export { loadGatewayConfig, type LoadGatewayConfigOptions } from './load-gateway-config';
export { validateGatewayConfig } from './validate-gateway-config';
export { ENV_BINDINGS } from './env-overrides';
export { collectorSecrets, redactUrl, scrubSecrets } from './redact';
