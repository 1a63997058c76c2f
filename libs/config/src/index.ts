export {
  GatewayConfig,
  IngressGatewayConfig,
  LoggingConfig,
  RouteConfig,
  ServerConfig,
  TracingConfig,
  UpstreamTlsConfig,
  ZipkinConfig,
} from './gateway-config.dto';
export {
  HTTP_METHODS,
  LOG_LEVELS,
  PROPAGATORS,
  SAMPLERS,
  TRACE_ID_BITS,
  ZIPKIN_API_VERSIONS,
  ZIPKIN_ENCODINGS,
  type HttpMethod,
  type LogLevel,
  type PropagatorName,
  type SamplerName,
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
