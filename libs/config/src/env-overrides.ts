/** How each environment variable lands in the config tree (the contract the Helm chart and ops tooling use). */
type EnvKind = 'string' | 'int' | 'number' | 'bool' | 'list' | 'map' | 'otlpBaseUrl';

export interface EnvBinding {
  readonly env: string;
  readonly path: readonly string[];
  readonly kind: EnvKind;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: the traces signal's path is appended to it (OTLP exporter spec). */
export const OTLP_TRACES_PATH = '/v1/traces';

/** In order: a later binding of the same key wins, so each _TRACES_ variant follows its generic variable. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { env: 'GATEWAY_PORT', path: ['server', 'port'], kind: 'int' },
  { env: 'GATEWAY_HOST', path: ['server', 'host'], kind: 'string' },
  { env: 'ADMIN_PORT', path: ['server', 'adminPort'], kind: 'int' },
  { env: 'ADMIN_HOST', path: ['server', 'adminHost'], kind: 'string' },
  { env: 'MAX_BODY_BYTES', path: ['server', 'maxBodyBytes'], kind: 'int' },
  { env: 'DRAIN_TIMEOUT_MS', path: ['server', 'drainTimeoutMs'], kind: 'int' },
  { env: 'MAX_CONNECTIONS', path: ['server', 'maxConnections'], kind: 'int' },
  { env: 'DROP_REQUEST_HEADERS', path: ['server', 'dropRequestHeaders'], kind: 'list' },
  { env: 'INGRESS_GATEWAY_URL', path: ['ingressGateway', 'url'], kind: 'string' },
  { env: 'INGRESS_GATEWAY_SERVICE_NAME', path: ['ingressGateway', 'serviceName'], kind: 'string' },
  { env: 'UPSTREAM_TIMEOUT_MS', path: ['ingressGateway', 'timeoutMs'], kind: 'int' },
  { env: 'INGRESS_GATEWAY_CA_FILE', path: ['ingressGateway', 'tls', 'caFile'], kind: 'string' },
  { env: 'INGRESS_GATEWAY_CERT_FILE', path: ['ingressGateway', 'tls', 'certFile'], kind: 'string' },
  { env: 'INGRESS_GATEWAY_KEY_FILE', path: ['ingressGateway', 'tls', 'keyFile'], kind: 'string' },
  { env: 'OTEL_SERVICE_NAME', path: ['tracing', 'serviceName'], kind: 'string' },
  { env: 'OTEL_PROPAGATORS', path: ['tracing', 'propagators'], kind: 'list' },
  { env: 'OTEL_TRACES_SAMPLER', path: ['tracing', 'sampler'], kind: 'string' },
  { env: 'OTEL_TRACES_SAMPLER_ARG', path: ['tracing', 'samplerArg'], kind: 'number' },
  { env: 'TRACE_ID_BITS', path: ['tracing', 'traceIdBits'], kind: 'int' },
  { env: 'TRACE_ID_RESPONSE_HEADER', path: ['tracing', 'responseTraceIdHeader'], kind: 'string' },
  { env: 'OTEL_RESOURCE_ATTRIBUTES', path: ['tracing', 'resourceAttributes'], kind: 'map' },
  { env: 'TRACING_HONOR_DEBUG', path: ['tracing', 'honorDebug'], kind: 'bool' },
  { env: 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', path: ['zipkin', 'endpoint'], kind: 'string' },
  { env: 'ZIPKIN_API_VERSION', path: ['zipkin', 'apiVersion'], kind: 'string' },
  { env: 'ZIPKIN_ENCODING', path: ['zipkin', 'encoding'], kind: 'string' },
  { env: 'ZIPKIN_HEADERS', path: ['zipkin', 'headers'], kind: 'map' },
  { env: 'ZIPKIN_GZIP', path: ['zipkin', 'gzip'], kind: 'bool' },
  { env: 'OTEL_BSP_MAX_QUEUE_SIZE', path: ['spanExport', 'queuedMaxSpans'], kind: 'int' },
  { env: 'SPAN_EXPORT_QUEUED_MAX_BYTES', path: ['spanExport', 'queuedMaxBytes'], kind: 'int' },
  { env: 'SPAN_EXPORT_MESSAGE_MAX_BYTES', path: ['spanExport', 'messageMaxBytes'], kind: 'int' },
  { env: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', path: ['spanExport', 'messageMaxSpans'], kind: 'int' },
  { env: 'OTEL_BSP_SCHEDULE_DELAY', path: ['spanExport', 'flushIntervalMs'], kind: 'int' },
  { env: 'OTEL_BSP_EXPORT_TIMEOUT', path: ['spanExport', 'requestTimeoutMs'], kind: 'int' },
  { env: 'SPAN_EXPORT_MAX_IN_FLIGHT', path: ['spanExport', 'maxInFlight'], kind: 'int' },
  { env: 'SPAN_EXPORT_MAX_ATTEMPTS', path: ['spanExport', 'maxAttempts'], kind: 'int' },
  { env: 'SPAN_EXPORT_CLOSE_TIMEOUT_MS', path: ['spanExport', 'closeTimeoutMs'], kind: 'int' },
  { env: 'OTEL_TRACES_EXPORTER', path: ['tracing', 'exporters'], kind: 'list' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', path: ['otlp', 'endpoint'], kind: 'otlpBaseUrl' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', path: ['otlp', 'endpoint'], kind: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_PROTOCOL', path: ['otlp', 'protocol'], kind: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', path: ['otlp', 'protocol'], kind: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_HEADERS', path: ['otlp', 'headers'], kind: 'map' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', path: ['otlp', 'headers'], kind: 'map' },
  { env: 'OTEL_EXPORTER_OTLP_COMPRESSION', path: ['otlp', 'compression'], kind: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', path: ['otlp', 'compression'], kind: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TIMEOUT', path: ['otlp', 'timeoutMs'], kind: 'int' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', path: ['otlp', 'timeoutMs'], kind: 'int' },
  { env: 'OTEL_EXPORTER_OTLP_CERTIFICATE', path: ['otlp', 'tls', 'caFile'], kind: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', path: ['otlp', 'tls', 'caFile'], kind: 'string' },
  { env: 'LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
  { env: 'ACCESS_LOG', path: ['logging', 'accessLog'], kind: 'bool' },
];

/**
 * Variables of 0.1 whose keys moved to the shared spanExport section in 0.2.0: refused at boot with their new
 * name, rather than silently ignored.
 */
export const RENAMED_ENV: Readonly<Record<string, string>> = {
  ZIPKIN_QUEUED_MAX_BYTES: 'SPAN_EXPORT_QUEUED_MAX_BYTES',
  ZIPKIN_MESSAGE_MAX_BYTES: 'SPAN_EXPORT_MESSAGE_MAX_BYTES',
  ZIPKIN_MAX_IN_FLIGHT: 'SPAN_EXPORT_MAX_IN_FLIGHT',
  ZIPKIN_MAX_ATTEMPTS: 'SPAN_EXPORT_MAX_ATTEMPTS',
  ZIPKIN_CLOSE_TIMEOUT_MS: 'SPAN_EXPORT_CLOSE_TIMEOUT_MS',
};

/** The variable(s) that set each key, the winning one first (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL`). */
export const ENV_BY_PATH: ReadonlyMap<string, string> = indexByPath(ENV_BINDINGS);

function indexByPath(bindings: readonly EnvBinding[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const { env, path } of bindings) {
    const key = path.join('.');
    const earlier = index.get(key);
    index.set(key, earlier === undefined ? env : `${env} or ${earlier}`);
  }
  return index;
}

/**
 * Converts an environment string to the kind its key holds. A value that does not convert is kept as
 * the raw string, so the validator reports it against the key instead of it silently becoming NaN.
 */
export function parseEnvValue(raw: string, kind: EnvKind): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'int':
    case 'number': {
      const value = Number(text);
      return text !== '' && Number.isFinite(value) ? value : raw;
    }
    case 'bool':
      return text === 'true' ? true : text === 'false' ? false : raw;
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    case 'map':
      return parseHeaderList(text);
    case 'otlpBaseUrl':
      return `${text.replace(/\/+$/, '')}${OTLP_TRACES_PATH}`;
  }
}

/** `name=value,name2=value2`, the OTEL_EXPORTER_*_HEADERS and OTEL_RESOURCE_ATTRIBUTES format (values may be percent-encoded). */
function parseHeaderList(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return text;
    try {
      headers[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return text;
    }
  }
  return headers;
}

/** Sets every bound variable present in `env` into `tree` (mutates a fresh copy the loader owns). */
export function applyEnvOverrides(tree: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.env];
    if (raw === undefined || raw === '') continue;
    let node = tree;
    for (const key of binding.path.slice(0, -1)) {
      const child = node[key];
      node[key] = isPlainObject(child) ? child : {};
      node = node[key] as Record<string, unknown>;
    }
    node[binding.path[binding.path.length - 1]] = parseEnvValue(raw, binding.kind);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
