import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_BINDINGS } from '../../../libs/config/src/env-overrides';
import { runGatewayExpectingExit } from './support/gateway-process';
import { writeYamlFile } from './support/routes-file';

/** A valid base: every case below changes exactly one thing. */
const BASE_ENV = { INGRESS_GATEWAY_URL: 'http://127.0.0.1:1' };

/** One invalid value per environment variable of the contract (libs/config/src/env-overrides.ts). */
const INVALID_VALUE: Readonly<Record<string, string>> = {
  GATEWAY_PORT: '8080x',
  GATEWAY_HOST: 'not a host',
  ADMIN_PORT: '65536',
  ADMIN_HOST: '256.0.0.1',
  MAX_BODY_BYTES: '-1',
  DRAIN_TIMEOUT_MS: 'soon',
  MAX_CONNECTIONS: '-1',
  // A bare `*` would drop every header.
  DROP_REQUEST_HEADERS: 'x-envoy-*,*',
  INGRESS_GATEWAY_URL: 'istio-ingressgateway',
  INGRESS_GATEWAY_SERVICE_NAME: '   ',
  UPSTREAM_TIMEOUT_MS: '1.5',
  INGRESS_GATEWAY_CA_FILE: '/nonexistent/ca.pem',
  INGRESS_GATEWAY_CERT_FILE: '/nonexistent/tls.crt',
  INGRESS_GATEWAY_KEY_FILE: '/nonexistent/tls.key',
  OTEL_SERVICE_NAME: 's'.repeat(300),
  OTEL_PROPAGATORS: 'b3multi,jaeger',
  OTEL_TRACES_SAMPLER: 'jaeger_remote',
  OTEL_TRACES_SAMPLER_ARG: '1.5',
  TRACE_ID_BITS: '96',
  TRACE_ID_RESPONSE_HEADER: 'x trace id',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment',
  TRACING_HONOR_DEBUG: 'maybe',
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'ftp://collector/adapt_SECRET_TOKEN_77/api/v2/spans',
  ZIPKIN_API_VERSION: 'v3',
  ZIPKIN_ENCODING: 'avro',
  ZIPKIN_HEADERS: 'Authorization',
  ZIPKIN_GZIP: 'yes',
  OTEL_BSP_MAX_QUEUE_SIZE: '0',
  SPAN_EXPORT_QUEUED_MAX_BYTES: '-1',
  SPAN_EXPORT_MESSAGE_MAX_BYTES: '20000000',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0',
  OTEL_BSP_SCHEDULE_DELAY: 'never',
  OTEL_BSP_EXPORT_TIMEOUT: '-5',
  SPAN_EXPORT_MAX_IN_FLIGHT: '0',
  SPAN_EXPORT_MAX_ATTEMPTS: '0',
  SPAN_EXPORT_CLOSE_TIMEOUT_MS: '-1',
  OTEL_TRACES_EXPORTER: 'zipkin,jaeger',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector/SECRET_TOKEN_77',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'otel-collector:4318',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/thrift',
  OTEL_EXPORTER_OTLP_HEADERS: 'api-key',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'X-A=a%0D%0AX-Injected: 1',
  OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
  OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'brotli',
  OTEL_EXPORTER_OTLP_TIMEOUT: '0',
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1.5',
  OTEL_EXPORTER_OTLP_CERTIFICATE: '/nonexistent/otlp-ca.pem',
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/nonexistent/otlp-ca.pem',
  LOG_LEVEL: 'trace',
  ACCESS_LOG: 'sometimes',
};

/** The TLS pair rule needs both halves: the other half is a readable file, so the bad one is what is reported. */
const READABLE_PEM = join(__dirname, 'fixtures', 'tls', 'server.pem');
/** The OTLP CA file is read only when OTLP is exported. */
const OTLP_EXPORT = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://127.0.0.1:1/v1/traces' };
const COMPANION: Readonly<Record<string, Record<string, string>>> = {
  INGRESS_GATEWAY_CERT_FILE: { INGRESS_GATEWAY_KEY_FILE: READABLE_PEM },
  INGRESS_GATEWAY_KEY_FILE: { INGRESS_GATEWAY_CERT_FILE: READABLE_PEM },
  OTEL_EXPORTER_OTLP_CERTIFICATE: OTLP_EXPORT,
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://127.0.0.1:1' },
};

/** Every case: its environment, and what the message must name. */
function cases(dir: string): Array<{ readonly title: string; readonly env: Record<string, string>; readonly named: string }> {
  const notYaml = join(dir, 'not-yaml.yaml');
  writeFileSync(notYaml, 'server:\n  port: [8080\n');
  return [
    ...ENV_BINDINGS.map((binding) => ({
      title: `an invalid ${binding.env}, naming ${binding.path.join('.')}`,
      env: { ...COMPANION[binding.env], [binding.env]: INVALID_VALUE[binding.env] ?? '' },
      named: binding.path.join('.'),
    })),
    { title: 'a variable renamed in 0.2.0 (ZIPKIN_MAX_ATTEMPTS)', env: { ZIPKIN_MAX_ATTEMPTS: '3' }, named: 'renamed SPAN_EXPORT_MAX_ATTEMPTS' },
    { title: 'OTLP listed without an endpoint', env: { OTEL_TRACES_EXPORTER: 'zipkin,otlp' }, named: 'otlp.endpoint' },
    { title: 'a missing ROUTES_FILE', env: { ROUTES_FILE: join(dir, 'missing.yaml') }, named: 'ROUTES_FILE' },
    { title: 'a ROUTES_FILE that is a directory', env: { ROUTES_FILE: dir }, named: 'ROUTES_FILE' },
    { title: 'a ROUTES_FILE with a bad route', env: { ROUTES_FILE: writeYamlFile({ routes: [{ path: 'relative' }] }) }, named: 'routes[0].path' },
    { title: 'a missing CONFIG_FILE', env: { CONFIG_FILE: join(dir, 'missing.yaml') }, named: 'CONFIG_FILE' },
    { title: 'a CONFIG_FILE that is not YAML', env: { CONFIG_FILE: notYaml }, named: 'CONFIG_FILE' },
    { title: 'a CONFIG_FILE with an unknown key', env: { CONFIG_FILE: writeYamlFile({ server: { prot: 8080 } }, 'gateway.yaml') }, named: 'server.prot' },
    {
      title: 'a route samplerArg with a sampler that ignores ratios',
      env: { OTEL_TRACES_SAMPLER: 'always_on', ROUTES_FILE: writeYamlFile({ routes: [{ path: '/', samplerArg: 0.1 }] }) },
      named: 'routes[0].samplerArg: only the ratio samplers use it',
    },
    {
      title: 'a secret header as a span tag',
      env: { CONFIG_FILE: writeYamlFile({ tracing: { requestHeaderTags: { Authorization: 'auth' } } }, 'gateway.yaml') },
      named: 'tracing.requestHeaderTags',
    },
    { title: 'a static tag value over 256 characters', env: { CONFIG_FILE: writeYamlFile({ tracing: { staticTags: { env: 'x'.repeat(257) } } }, 'gateway.yaml') }, named: 'tracing.staticTags' },
  ];
}

/** Processes started at once: each is short-lived (it exits at config load), and the machine has 2 cores. */
const PARALLEL = 4;

describe('invalid configuration (gateway process): exit non-zero before listening, naming the bad key', () => {
  const all = cases(mkdtempSync(join(tmpdir(), 'external-proxy-config-')));
  const outcomes = new Map<string, { code: number | null; output: string }>();

  beforeAll(async () => {
    const queue = [...all];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) outcomes.set(next.title, await runGatewayExpectingExit({ ...BASE_ENV, ...next.env }));
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }, 120_000);

  it('should have an invalid value for every variable of the environment contract', () => {
    expect(ENV_BINDINGS.map((binding) => binding.env).filter((env) => INVALID_VALUE[env] === undefined)).toEqual([]);
  });

  it.each(all.map((c) => [c.title, c] as const))('should refuse %s', (_title, { title, named }) => {
    const { code, output } = outcomes.get(title) ?? { code: undefined, output: '' };
    expect(code).toBe(1);
    expect(output).toContain(named);
    // Config problems are reported by the validator's one message, before anything listens.
    expect(output).toMatch(/Invalid configuration|cannot be read|ROUTES_FILE|CONFIG_FILE/);
    expect(output).not.toContain('"listening"');
    expect(output).not.toContain('SECRET_TOKEN');
  });
});
