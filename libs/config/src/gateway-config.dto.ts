import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
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
import { IsBindHost } from './is-bind-host.validator';
import { HEADER_NAME, IsStringRecord } from './is-string-record.validator';
import { IsHeaderTagMap, IsTagMap } from './is-tag-map.validator';

const HTTP_URL: Parameters<typeof IsUrl>[0] = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
// class-validator runs a property's decorators right to left and (with stopAtFirstError) reports the first
// failure, so the type check is written last: `abc` is reported as "must be an integer", not "out of range".
const PORT_RANGE = 'must be a port number between 0 and 65535';
/** An absolute path of plain segments: no empty segment (`//`), no `.`/`..` segment, no query. */
const ROUTE_PATH = /^\/(?:(?!\.{1,2}(?:\/|$))[A-Za-z0-9._~!$&'()*+,;=:@%-]+\/?)*$/;
const ROUTE_PATH_MESSAGE = 'must be an absolute path without //, . or .. segments, or query';
/** An RFC 9110 field name, optionally followed by `*` (a prefix); a bare `*` would drop everything. */
const HEADER_PATTERN = /^[A-Za-z0-9!#$%&'+.^_`|~-]+\*?$/;
const HEADER_PATTERN_MESSAGE = 'each value must be a header name, or a header-name prefix ending in *';

export class ServerConfig {
  @Min(0, { message: PORT_RANGE }) @Max(65535, { message: PORT_RANGE }) @IsInt() port!: number;
  @IsBindHost() @IsString() host!: string;
  @Min(0, { message: PORT_RANGE }) @Max(65535, { message: PORT_RANGE }) @IsInt() adminPort!: number;
  @IsBindHost() @IsString() adminHost!: string;
  /** 0 means no limit. */
  @Min(0) @IsInt() maxBodyBytes!: number;
  @Min(1024) @Max(1048576) @IsInt() maxHeaderBytes!: number;
  @Min(1) @IsInt() headersTimeoutMs!: number;
  /** 0 disables Node's whole-request timeout. */
  @Min(0) @IsInt() requestTimeoutMs!: number;
  @Min(1) @IsInt() keepAliveTimeoutMs!: number;
  @Min(0) @IsInt() drainTimeoutMs!: number;
  /** Header lines a request may have (Node answers 431 beyond). */
  @Min(1) @Max(1000) @IsInt() maxHeaderCount!: number;
  /** Open connections on the proxy port; 0 = no cap. */
  @Min(0) @IsInt() maxConnections!: number;
  @Min(1) @IsInt() adminMaxConnections!: number;
  /** Requests waiting behind an earlier one on a connection (HTTP/1.1 pipelining); beyond, the connection is cut. */
  @Min(0) @IsInt() maxPipelinedRequests!: number;
  /** Request headers never forwarded: names, or prefixes ending in `*`. */
  @IsArray() @ArrayUnique() @Matches(HEADER_PATTERN, { each: true, message: HEADER_PATTERN_MESSAGE })
  dropRequestHeaders!: string[];
}

export class UpstreamTlsConfig {
  @IsOptional() @MinLength(1) @IsString() caFile?: string;
  @IsOptional() @MinLength(1) @IsString() certFile?: string;
  @IsOptional() @MinLength(1) @IsString() keyFile?: string;
  @IsOptional() @MinLength(1) @IsString() serverName?: string;
  @IsBoolean() insecureSkipVerify!: boolean;
}

export class IngressGatewayConfig {
  @IsOptional() @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' }) url?: string;
  @MinLength(1) @IsString() serviceName!: string;
  @Min(1) @IsInt() timeoutMs!: number;
  @Min(1) @IsInt() idleTimeoutMs!: number;
  @Min(1) @IsInt() maxSockets!: number;
  @Min(1) @IsInt() keepAliveMs!: number;
  /** Readiness goes false while requests have queued for a pooled connection this long without a break. */
  @Min(1) @IsInt() poolExhaustedUnreadyMs!: number;
  @ValidateNested() @Type(() => UpstreamTlsConfig) tls!: UpstreamTlsConfig;
}

export class RouteConfig {
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,63}$/, { message: 'must be 1-63 letters, digits, dots, dashes or underscores' })
  name?: string;
  @IsString() @Matches(ROUTE_PATH, { message: ROUTE_PATH_MESSAGE })
  path!: string;
  @IsOptional() @IsBoolean() prefix?: boolean;
  @IsOptional() @IsString() @Matches(ROUTE_PATH, { message: ROUTE_PATH_MESSAGE })
  upstreamPath?: string;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(HTTP_METHODS, { each: true, message: `each value must be one of ${HTTP_METHODS.join(', ')}` })
  methods?: HttpMethod[];
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9.-]+(?::\d{1,5})?$/, { message: 'must be a host name, optionally with :port' })
  host?: string;
  @IsOptional() @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' }) upstream?: string;
  @IsOptional() @Min(1) @IsInt() timeoutMs?: number;
  /** remoteEndpoint.serviceName of this route's CLIENT spans (the service Zipkin draws the dependency link to). */
  @IsOptional() @MinLength(1) @MaxLength(255) @IsString() serviceName?: string;
  /** Sampling ratio for this route's requests that carry no decision (ratio samplers only). */
  @IsOptional() @Min(0) @Max(1) @IsNumber({ allowNaN: false, allowInfinity: false }) samplerArg?: number;
}

export class TracingConfig {
  @MinLength(1) @MaxLength(255) @IsString() serviceName!: string;
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(PROPAGATORS, { each: true, message: `each value must be one of ${PROPAGATORS.join(', ')}` })
  propagators!: PropagatorName[];
  @IsIn(SAMPLERS, { message: `must be one of ${SAMPLERS.join(', ')}` }) sampler!: SamplerName;
  @Min(0) @Max(1) @IsNumber({ allowNaN: false, allowInfinity: false }) samplerArg!: number;
  @IsIn(TRACE_ID_BITS, { message: 'must be 64 or 128' }) traceIdBits!: TraceIdBits;
  /** Every sampled span goes to each listed exporter, through its own queue. */
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(TRACE_EXPORTERS, { each: true, message: `each value must be one of ${TRACE_EXPORTERS.join(', ')}` })
  exporters!: TraceExporterName[];
  /** Response header that carries the trace id on every answer of a matched route; absent = off. */
  @IsOptional() @Matches(HEADER_NAME, { message: 'must be a header name' }) @IsString() responseTraceIdHeader?: string;
  /** Tags on every exported span; OTEL_RESOURCE_ATTRIBUTES (resourceAttributes) wins per key. */
  @IsTagMap() @IsObject() staticTags!: Record<string, string>;
  @IsTagMap() @IsObject() resourceAttributes!: Record<string, string>;
  /** Request header name → SERVER span tag name. */
  @IsHeaderTagMap() @IsObject() requestHeaderTags!: Record<string, string>;
  /** false: an inbound debug flag reads as "sampled", and debug is neither exported nor propagated. */
  @IsBoolean() honorDebug!: boolean;
}

export class ZipkinConfig {
  /** A secret: Alibaba Tracing Analysis puts its token in the path. */
  @IsOptional() @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' }) endpoint?: string;
  @IsIn(ZIPKIN_API_VERSIONS, { message: `must be one of ${ZIPKIN_API_VERSIONS.join(', ')}` }) apiVersion!: ZipkinApiVersion;
  @IsIn(ZIPKIN_ENCODINGS, { message: `must be one of ${ZIPKIN_ENCODINGS.join(', ')}` }) encoding!: ZipkinEncoding;
  @IsStringRecord() @IsObject() headers!: Record<string, string>;
  @IsBoolean() gzip!: boolean;
}

/**
 * Queue, batching and retry settings of each exporter's own reporter (as OTEL_BSP_* apply to each batch
 * processor in OpenTelemetry): every listed exporter gets a queue of these bounds.
 */
export class SpanExportConfig {
  @Min(1) @IsInt() queuedMaxSpans!: number;
  @Min(1024) @IsInt() queuedMaxBytes!: number;
  @Min(1024) @IsInt() messageMaxBytes!: number;
  @Min(1) @IsInt() messageMaxSpans!: number;
  @Min(1) @IsInt() flushIntervalMs!: number;
  @Min(1) @IsInt() requestTimeoutMs!: number;
  @Min(1) @IsInt() maxInFlight!: number;
  @Min(1) @IsInt() maxAttempts!: number;
  @Min(1) @IsInt() initialBackoffMs!: number;
  @Min(1) @IsInt() maxBackoffMs!: number;
  @Min(0) @IsInt() closeTimeoutMs!: number;
}

export class OtlpTlsConfig {
  /** Extra CA bundle (PEM) for an https endpoint. */
  @IsOptional() @MinLength(1) @IsString() caFile?: string;
}

export class OtlpConfig {
  /** Full OTLP/HTTP traces URL (…/v1/traces). A secret, like the Zipkin endpoint. */
  @IsOptional() @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' }) endpoint?: string;
  @IsIn(OTLP_PROTOCOLS, { message: `must be one of ${OTLP_PROTOCOLS.join(', ')} (grpc is not supported: use the collector's OTLP/HTTP port, 4318)` })
  protocol!: OtlpProtocol;
  /** Secrets: values are never logged. */
  @IsStringRecord() @IsObject() headers!: Record<string, string>;
  @IsIn(OTLP_COMPRESSIONS, { message: `must be one of ${OTLP_COMPRESSIONS.join(', ')}` }) compression!: OtlpCompression;
  /** One OTLP request may take this long; absent: spanExport.requestTimeoutMs (OTEL_BSP_EXPORT_TIMEOUT). */
  @IsOptional() @Min(1) @IsInt() timeoutMs?: number;
  @ValidateNested() @Type(() => OtlpTlsConfig) tls!: OtlpTlsConfig;
}

export class LoggingConfig {
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }) level!: LogLevel;
  @IsBoolean() accessLog!: boolean;
}

export class GatewayConfig {
  @ValidateNested() @Type(() => ServerConfig) server!: ServerConfig;
  @ValidateNested() @Type(() => IngressGatewayConfig) ingressGateway!: IngressGatewayConfig;
  @ValidateNested({ each: true }) @Type(() => RouteConfig) @IsArray() routes!: RouteConfig[];
  @ValidateNested() @Type(() => TracingConfig) tracing!: TracingConfig;
  @ValidateNested() @Type(() => ZipkinConfig) zipkin!: ZipkinConfig;
  @ValidateNested() @Type(() => OtlpConfig) otlp!: OtlpConfig;
  @ValidateNested() @Type(() => SpanExportConfig) spanExport!: SpanExportConfig;
  @ValidateNested() @Type(() => LoggingConfig) logging!: LoggingConfig;
}
