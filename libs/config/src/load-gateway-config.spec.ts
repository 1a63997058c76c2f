import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV_BINDINGS } from './env-overrides';
import { GatewayConfigError } from './gateway-config.error';
import { loadGatewayConfig } from './load-gateway-config';

const DEFAULTS_FILE = resolve(__dirname, '../../../config/default.yaml');
const INGRESS_URL = 'http://istio-ingressgateway.istio-system:80';
/** default.yaml needs INGRESS_GATEWAY_URL: its one route has no upstream of its own. */
const BASE_ENV: NodeJS.ProcessEnv = { INGRESS_GATEWAY_URL: INGRESS_URL };

/** config/default.yaml as loaded with BASE_ENV. */
const DEFAULT_CONFIG = {
  server: {
    port: 8080, host: '0.0.0.0', adminPort: 9464, adminHost: '0.0.0.0', maxBodyBytes: 1073741824, maxHeaderBytes: 16384,
    headersTimeoutMs: 10000, requestTimeoutMs: 300000, keepAliveTimeoutMs: 65000, drainTimeoutMs: 15000,
    maxHeaderCount: 100, maxConnections: 0, adminMaxConnections: 64, maxPipelinedRequests: 16, dropRequestHeaders: ['x-envoy-*'],
  },
  ingressGateway: {
    url: INGRESS_URL, serviceName: 'istio-ingressgateway', timeoutMs: 15000, idleTimeoutMs: 60000, maxSockets: 512, keepAliveMs: 30000,
    poolExhaustedUnreadyMs: 10000, tls: { insecureSkipVerify: false },
  },
  routes: [{ name: 'productpage', path: '/', upstreamPath: '/productpage', methods: ['GET'] }],
  tracing: {
    serviceName: 'external-proxy', propagators: ['b3multi'], sampler: 'parentbased_traceidratio', samplerArg: 1, traceIdBits: 128,
    staticTags: {}, resourceAttributes: {}, requestHeaderTags: {}, honorDebug: true, exporters: ['zipkin'],
  },
  zipkin: { apiVersion: 'v2', encoding: 'json', headers: {}, gzip: true },
  spanExport: {
    queuedMaxSpans: 10000, queuedMaxBytes: 16777216, messageMaxBytes: 512000, messageMaxSpans: 512, flushIntervalMs: 1000, requestTimeoutMs: 10000,
    maxInFlight: 2, maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10000, closeTimeoutMs: 5000,
  },
  otlp: { protocol: 'http/protobuf', headers: {}, compression: 'gzip', tls: {} },
  logging: { level: 'info', accessLog: true },
};
type PlainConfig = typeof DEFAULT_CONFIG;

/** DEFAULT_CONFIG with values set at dotted paths. */
function configWith(...patches: ReadonlyArray<readonly [string, unknown]>): PlainConfig {
  const config = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
  for (const [path, value] of patches) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce((node, key) => node[key] as Record<string, unknown>, config);
    parent[keys[keys.length - 1]] = value;
  }
  return config as unknown as PlainConfig;
}

let dir: string;
let fileCount = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'load-gateway-config-spec-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A YAML file with a unique name in this spec's temp directory. */
function writeYaml(text: string): string {
  fileCount += 1;
  const file = join(dir, `config-${fileCount}.yaml`);
  writeFileSync(file, text);
  return file;
}

const load = (env: NodeJS.ProcessEnv) => loadGatewayConfig({ defaultsFile: DEFAULTS_FILE, env });

/** The GatewayConfigError thrown by loading, or a failure if none is thrown. */
function loadError(env: NodeJS.ProcessEnv, defaultsFile = DEFAULTS_FILE): GatewayConfigError {
  try {
    loadGatewayConfig({ defaultsFile, env });
  } catch (error) {
    if (error instanceof GatewayConfigError) return error;
    throw error;
  }
  throw new Error('expected a GatewayConfigError');
}

describe(loadGatewayConfig.name, () => {
  it('should load the documented defaults', () => {
    expect(load(BASE_ENV)).toEqual(DEFAULT_CONFIG);
  });

  describe('environment variables', () => {
    /** Each row sets variables over BASE_ENV and lists where they land; together they cover ENV_BINDINGS. */
    const ROWS: ReadonlyArray<readonly [NodeJS.ProcessEnv, ReadonlyArray<readonly [string, unknown]>]> = [
      [{ GATEWAY_PORT: '9090' }, [['server.port', 9090]]],
      [{ GATEWAY_HOST: '127.0.0.1' }, [['server.host', '127.0.0.1']]],
      [{ ADMIN_PORT: '9465' }, [['server.adminPort', 9465]]],
      [{ ADMIN_HOST: '::' }, [['server.adminHost', '::']]],
      [{ MAX_BODY_BYTES: '0' }, [['server.maxBodyBytes', 0]]],
      [{ DRAIN_TIMEOUT_MS: '30000' }, [['server.drainTimeoutMs', 30000]]],
      [{ MAX_CONNECTIONS: '4096' }, [['server.maxConnections', 4096]]],
      [{ DROP_REQUEST_HEADERS: 'x-envoy-*, X-Internal-Token' }, [['server.dropRequestHeaders', ['x-envoy-*', 'X-Internal-Token']]]],
      [{ INGRESS_GATEWAY_URL: 'https://ingress.example:8443' }, [['ingressGateway.url', 'https://ingress.example:8443']]],
      [{ INGRESS_GATEWAY_SERVICE_NAME: 'asm-ingressgateway' }, [['ingressGateway.serviceName', 'asm-ingressgateway']]],
      [{ UPSTREAM_TIMEOUT_MS: '2500' }, [['ingressGateway.timeoutMs', 2500]]],
      [{ INGRESS_GATEWAY_CA_FILE: '/etc/tls/ca.pem' }, [['ingressGateway.tls', { insecureSkipVerify: false, caFile: '/etc/tls/ca.pem' }]]],
      [{ INGRESS_GATEWAY_CERT_FILE: '/etc/tls/tls.crt', INGRESS_GATEWAY_KEY_FILE: '/etc/tls/tls.key' },
        [['ingressGateway.tls', { insecureSkipVerify: false, certFile: '/etc/tls/tls.crt', keyFile: '/etc/tls/tls.key' }]]],
      [{ OTEL_SERVICE_NAME: 'edge-gateway' }, [['tracing.serviceName', 'edge-gateway']]],
      [{ OTEL_PROPAGATORS: 'b3multi, tracecontext' }, [['tracing.propagators', ['b3multi', 'tracecontext']]]],
      [{ OTEL_TRACES_SAMPLER: 'always_on' }, [['tracing.sampler', 'always_on']]],
      [{ OTEL_TRACES_SAMPLER_ARG: '0.25' }, [['tracing.samplerArg', 0.25]]],
      [{ TRACE_ID_BITS: '64' }, [['tracing.traceIdBits', 64]]],
      [{ TRACE_ID_RESPONSE_HEADER: 'x-trace-id' }, [['tracing.responseTraceIdHeader', 'x-trace-id']]],
      [{ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=edge%20ops' }, [['tracing.resourceAttributes', { 'deployment.environment': 'prod', team: 'edge ops' }]]],
      [{ TRACING_HONOR_DEBUG: 'false' }, [['tracing.honorDebug', false]]],
      [{ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans' }, [['zipkin.endpoint', 'http://zipkin:9411/api/v2/spans']]],
      [{ ZIPKIN_API_VERSION: 'v1' }, [['zipkin.apiVersion', 'v1']]],
      [{ ZIPKIN_ENCODING: 'proto3' }, [['zipkin.encoding', 'proto3']]],
      [{ ZIPKIN_HEADERS: 'Authorization=Bearer%20abc,X-Tenant=t1' }, [['zipkin.headers', { Authorization: 'Bearer abc', 'X-Tenant': 't1' }]]],
      [{ ZIPKIN_GZIP: 'false' }, [['zipkin.gzip', false]]],
      [{ OTEL_BSP_MAX_QUEUE_SIZE: '2048' }, [['spanExport.queuedMaxSpans', 2048]]],
      [{ SPAN_EXPORT_QUEUED_MAX_BYTES: '1048576' }, [['spanExport.queuedMaxBytes', 1048576]]],
      [{ SPAN_EXPORT_MESSAGE_MAX_BYTES: '65536' }, [['spanExport.messageMaxBytes', 65536]]],
      [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100' }, [['spanExport.messageMaxSpans', 100]]],
      [{ OTEL_BSP_SCHEDULE_DELAY: '5000' }, [['spanExport.flushIntervalMs', 5000]]],
      [{ OTEL_BSP_EXPORT_TIMEOUT: '30000' }, [['spanExport.requestTimeoutMs', 30000]]],
      [{ SPAN_EXPORT_MAX_IN_FLIGHT: '4' }, [['spanExport.maxInFlight', 4]]],
      [{ SPAN_EXPORT_MAX_ATTEMPTS: '1' }, [['spanExport.maxAttempts', 1]]],
      [{ SPAN_EXPORT_CLOSE_TIMEOUT_MS: '0' }, [['spanExport.closeTimeoutMs', 0]]],
      [{ OTEL_TRACES_EXPORTER: 'zipkin,otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' },
        [['tracing.exporters', ['zipkin', 'otlp']], ['otlp.endpoint', 'http://otel-collector:4318/v1/traces']]],
      [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/v1/traces' }, [['otlp.endpoint', 'https://otlp.example.com/v1/traces']]],
      [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, [['otlp.protocol', 'http/json']]],
      [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, [['otlp.protocol', 'http/protobuf']]],
      [{ OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%2Cb', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=t1' }, [['otlp.headers', { 'x-tenant': 't1' }]]],
      [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'none' }, [['otlp.compression', 'none']]],
      [{ OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }, [['otlp.compression', 'none']]],
      [{ OTEL_EXPORTER_OTLP_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000' }, [['otlp.timeoutMs', 2000]]],
      [{ OTEL_EXPORTER_OTLP_CERTIFICATE: '/a.pem', OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/b.pem' }, [['otlp.tls', { caFile: '/b.pem' }]]],
      [{ LOG_LEVEL: 'debug' }, [['logging.level', 'debug']]],
      [{ ACCESS_LOG: 'false' }, [['logging.accessLog', false]]],
    ];

    it('should have a row for every bound variable', () => {
      const covered = new Set(ROWS.flatMap(([env]) => Object.keys(env)));
      expect(ENV_BINDINGS.map((binding) => binding.env).filter((env) => !covered.has(env))).toEqual([]);
    });

    it.each(ROWS.map(([env, patches]) => [Object.keys(env).join(' + '), env, patches] as const))(
      'should land %s on its path with its type',
      (_name, env, patches) => {
        expect(load({ ...BASE_ENV, ...env })).toEqual(configWith(...patches));
      },
    );

    it.each<[string, NodeJS.ProcessEnv, PlainConfig]>([
      ['ignore an empty variable (as unset)', { GATEWAY_PORT: '' }, DEFAULT_CONFIG],
      ['trim a padded number', { GATEWAY_PORT: ' 9090 ' }, configWith(['server.port', 9090])],
      ['ignore unrelated variables', { PORT: '1', HOME: '/root' }, DEFAULT_CONFIG],
    ])('should %s', (_case, env, expected) => {
      expect(load({ ...BASE_ENV, ...env })).toEqual(expected);
    });
  });

  describe('CONFIG_FILE and ROUTES_FILE', () => {
    it('should deep-merge CONFIG_FILE over the defaults, replacing lists', () => {
      const configFile = writeYaml([
        'server:',
        '  port: 7000',
        'tracing:',
        '  propagators: [b3, tracecontext]',
        'zipkin:',
        '  headers: { X-Tenant: t1 }',
        'routes:',
        '  - path: /api',
        '    prefix: true',
        '    methods: [GET, POST]',
      ].join('\n'));
      expect(load({ ...BASE_ENV, CONFIG_FILE: configFile })).toEqual(configWith(
        ['server.port', 7000],
        ['tracing.propagators', ['b3', 'tracecontext']],
        ['zipkin.headers', { 'X-Tenant': 't1' }],
        ['routes', [{ path: '/api', prefix: true, methods: ['GET', 'POST'] }]],
      ));
    });

    it('should let the environment win over CONFIG_FILE', () => {
      const configFile = writeYaml('server:\n  port: 7000\n  host: 127.0.0.1\n');
      expect(load({ ...BASE_ENV, CONFIG_FILE: configFile, GATEWAY_PORT: '7001' })).toEqual(configWith(['server.port', 7001], ['server.host', '127.0.0.1']));
    });

    it('should load an empty CONFIG_FILE as no change', () => {
      expect(load({ ...BASE_ENV, CONFIG_FILE: writeYaml('# nothing here\n') })).toEqual(DEFAULT_CONFIG);
    });

    it('should replace the routes with ROUTES_FILE, also over CONFIG_FILE routes', () => {
      const configFile = writeYaml('routes:\n  - path: /from-config-file\n');
      const routesFile = writeYaml('routes:\n  - name: orders\n    path: /orders\n    prefix: true\n    upstream: http://orders:8080\n    timeoutMs: 500\n');
      expect(load({ ...BASE_ENV, CONFIG_FILE: configFile, ROUTES_FILE: routesFile })).toEqual(configWith(
        ['routes', [{ name: 'orders', path: '/orders', prefix: true, upstream: 'http://orders:8080', timeoutMs: 500 }]],
      ));
    });

    it.each<[string, () => NodeJS.ProcessEnv, (env: NodeJS.ProcessEnv) => string[]]>([
      ['a ROUTES_FILE with other keys', () => ({ ROUTES_FILE: writeYaml('routes: []\nserver:\n  port: 1\ntracing: {}\n') }),
        (env) => [`ROUTES_FILE (${env.ROUTES_FILE}): only the routes: key is allowed, found server, tracing`]],
      ['a ROUTES_FILE without routes', () => ({ ROUTES_FILE: writeYaml('# empty\n') }),
        (env) => [`ROUTES_FILE (${env.ROUTES_FILE}): must contain a routes: list`]],
      ['a missing CONFIG_FILE', () => ({ CONFIG_FILE: join(dir, 'does-not-exist.yaml') }),
        (env) => [`CONFIG_FILE (${env.CONFIG_FILE}): cannot be read (ENOENT)`]],
      ['an unreadable CONFIG_FILE (a directory)', () => {
        const directory = join(dir, `a-directory-${(fileCount += 1)}`);
        mkdirSync(directory);
        return { CONFIG_FILE: directory };
      }, (env) => [`CONFIG_FILE (${env.CONFIG_FILE}): cannot be read (EISDIR)`]],
      ['a missing ROUTES_FILE', () => ({ ROUTES_FILE: join(dir, 'no-routes.yaml') }),
        (env) => [`ROUTES_FILE (${env.ROUTES_FILE}): cannot be read (ENOENT)`]],
      ['a CONFIG_FILE that is a YAML list', () => ({ CONFIG_FILE: writeYaml('- a\n- b\n') }),
        (env) => [`CONFIG_FILE (${env.CONFIG_FILE}): must be a YAML mapping`]],
      ['a CONFIG_FILE that is a YAML scalar', () => ({ CONFIG_FILE: writeYaml('just text\n') }),
        (env) => [`CONFIG_FILE (${env.CONFIG_FILE}): must be a YAML mapping`]],
      ['a ROUTES_FILE that is a YAML list', () => ({ ROUTES_FILE: writeYaml('- path: /\n') }),
        (env) => [`ROUTES_FILE (${env.ROUTES_FILE}): must be a YAML mapping`]],
    ])('should report %s, naming the file', (_case, makeEnv, expected) => {
      const env = makeEnv();
      expect(loadError({ ...BASE_ENV, ...env }).problems).toEqual(expected(env));
    });

    it.each<[string, string]>([
      ['an unclosed flow sequence', 'server:\n  port: [8080\n'],
      ['a bad indentation', 'server:\n  port: 8080\n host: x\n'],
      ['a tab indentation', 'server:\n\tport: 8080\n'],
      ['a duplicate key', 'server:\n  port: 1\n  port: 2\n'],
    ])('should report invalid YAML (%s) on one line naming the file', (_case, text) => {
      const file = writeYaml(text);
      const { problems } = loadError({ ...BASE_ENV, CONFIG_FILE: file });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^CONFIG_FILE \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): is not valid YAML: [^\\n]+$`))]);
    });

    it('should report a missing defaults file with the problems it causes, in one error', () => {
      const defaultsFile = join(dir, 'no-defaults.yaml');
      const { problems } = loadError(BASE_ENV, defaultsFile);
      expect(problems[0]).toBe(`defaults (${defaultsFile}): cannot be read (ENOENT)`);
    });
  });

  describe('invalid configurations', () => {
    const FTP_SECRET = 'ftp://collector.example/adapt_SECRET/api/v1/spans';

    it.each<[string, NodeJS.ProcessEnv | string, string[]]>([
      ['an unknown key', 'server:\n  foo: 1\n', ['server.foo: is not a known key']],
      ['an unknown top-level key', 'servers:\n  port: 1\n', ['servers: is not a known key']],
      ['an unknown key in a route', 'routes:\n  - path: /\n    upstreampath: /x\n', ['routes[0].upstreampath: is not a known key']],
      ['an unknown key in the TLS block', 'ingressGateway:\n  tls:\n    ca: /ca.pem\n', ['ingressGateway.tls.ca: is not a known key']],
      ['a port that is no integer', 'server:\n  port: eighty\n', ['server.port (GATEWAY_PORT): must be an integer number']],
      ['a port from the environment that is no integer', { GATEWAY_PORT: '80a' }, ['server.port (GATEWAY_PORT): must be an integer number']],
      ['a port above 65535', { GATEWAY_PORT: '70000' }, ['server.port (GATEWAY_PORT): must be a port number between 0 and 65535']],
      ['an admin port above 65535', { ADMIN_PORT: '65536' }, ['server.adminPort (ADMIN_PORT): must be a port number between 0 and 65535']],
      ['a negative port', { GATEWAY_PORT: '-1' }, ['server.port (GATEWAY_PORT): must be a port number between 0 and 65535']],
      ['a bind host with a space', { GATEWAY_HOST: 'not a host' }, ['server.host (GATEWAY_HOST): must be an IP address or a host name']],
      // Digits-only labels could pass as a host name; they are an address, and 256 is no octet.
      ['an admin bind address with an octet above 255', { ADMIN_HOST: '256.0.0.1' }, ['server.adminHost (ADMIN_HOST): must be an IP address or a host name']],
      ['a bind host that is a number', 'server:\n  host: 8080\n', ['server.host (GATEWAY_HOST): must be a string']],
      ['a fractional timeout', { UPSTREAM_TIMEOUT_MS: '1.5' }, ['ingressGateway.timeoutMs (UPSTREAM_TIMEOUT_MS): must be an integer number']],
      ['a string where a boolean goes', 'logging:\n  accessLog: "yes"\n', ['logging.accessLog (ACCESS_LOG): must be a boolean value']],
      ['a boolean from the environment that is not true/false', { ZIPKIN_GZIP: 'yes' }, ['zipkin.gzip (ZIPKIN_GZIP): must be a boolean value']],
      ['a section that is no object', 'server: 8080\n', ['server: must be an object']],
      ['routes that are no list', 'routes:\n  path: /\n', ['routes: must be an array']],
      ['no routes', 'routes: []\n', ['routes: must list at least one route']],
      ['a bad route upstream URL', 'routes:\n  - path: /\n  - path: /api\n    upstream: ftp://orders\n', ['routes[1].upstream: must be an http(s) URL']],
      ['a route upstream without a scheme', 'routes:\n  - path: /\n    upstream: orders:8080\n', ['routes[0].upstream: must be an http(s) URL']],
      ['a bad INGRESS_GATEWAY_URL', { INGRESS_GATEWAY_URL: 'istio-ingressgateway' }, ['ingressGateway.url (INGRESS_GATEWAY_URL): must be an http(s) URL']],
      ['a duplicate route path', 'routes:\n  - path: /api\n  - path: /api\n    methods: [POST]\n', ['routes[1].path: duplicates routes[0] (exact /api)']],
      ['a duplicate prefix route path', 'routes:\n  - path: /api\n    prefix: true\n  - path: /x\n  - path: /api\n    prefix: true\n', ['routes[2].path: duplicates routes[0] (prefix /api)']],
      ['a duplicate route name', 'routes:\n  - name: api\n    path: /a\n  - name: api\n    path: /b\n', ['routes[1].name: duplicates routes[0]']],
      ['a route path with a query', 'routes:\n  - path: /a?x=1\n', ['routes[0].path: must be an absolute path without //, . or .. segments, or query']],
      ['a route path with //', 'routes:\n  - path: /a//b\n', ['routes[0].path: must be an absolute path without //, . or .. segments, or query']],
      // Request paths are normalised before matching, so a route path with a dot segment could never match.
      ['a route path with ..', 'routes:\n  - path: /a/../b\n', ['routes[0].path: must be an absolute path without //, . or .. segments, or query']],
      ['a relative route path', 'routes:\n  - path: api\n', ['routes[0].path: must be an absolute path without //, . or .. segments, or query']],
      ['an unknown method', 'routes:\n  - path: /\n    methods: [GET, FETCH]\n', ['routes[0].methods: each value must be one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS']],
      ['a bad route host', 'routes:\n  - path: /\n    host: "a b"\n', ['routes[0].host: must be a host name, optionally with :port']],
      ['a route name with a space', 'routes:\n  - name: my route\n    path: /\n', ['routes[0].name: must be 1-63 letters, digits, dots, dashes or underscores']],
      ['v1 with proto3', { ZIPKIN_API_VERSION: 'v1', ZIPKIN_ENCODING: 'proto3' }, ['zipkin.encoding (ZIPKIN_ENCODING): proto3 exists only for Zipkin v2 (use json or thrift with v1)']],
      ['v2 with thrift', { ZIPKIN_ENCODING: 'thrift' }, ['zipkin.encoding (ZIPKIN_ENCODING): thrift exists only for Zipkin v1 (use json or proto3 with v2)']],
      ['an unknown encoding', { ZIPKIN_ENCODING: 'avro' }, ['zipkin.encoding (ZIPKIN_ENCODING): must be one of json, thrift, proto3']],
      ['an unknown API version', { ZIPKIN_API_VERSION: 'v3' }, ['zipkin.apiVersion (ZIPKIN_API_VERSION): must be one of v1, v2']],
      ['no upstream and no INGRESS_GATEWAY_URL', {}, ['routes[0].upstream: required when ingressGateway.url (INGRESS_GATEWAY_URL) is not set']],
      ['a certFile without keyFile', { INGRESS_GATEWAY_CERT_FILE: '/tls.crt' }, ['ingressGateway.tls: certFile and keyFile go together']],
      ['a keyFile without certFile', { INGRESS_GATEWAY_KEY_FILE: '/tls.key' }, ['ingressGateway.tls: certFile and keyFile go together']],
      ['an unknown propagator', { OTEL_PROPAGATORS: 'b3multi,jaeger' }, ['tracing.propagators (OTEL_PROPAGATORS): each value must be one of b3multi, b3, tracecontext']],
      ['no propagator', { OTEL_PROPAGATORS: ' , ' }, ['tracing.propagators (OTEL_PROPAGATORS): must contain at least 1 elements']],
      ['an unknown sampler', { OTEL_TRACES_SAMPLER: 'jaeger_remote' }, [
        'tracing.sampler (OTEL_TRACES_SAMPLER): must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio',
      ]],
      ['a sampler argument above 1', { OTEL_TRACES_SAMPLER_ARG: '1.5' }, ['tracing.samplerArg (OTEL_TRACES_SAMPLER_ARG): must not be greater than 1']],
      ['a negative sampler argument', { OTEL_TRACES_SAMPLER_ARG: '-0.1' }, ['tracing.samplerArg (OTEL_TRACES_SAMPLER_ARG): must not be less than 0']],
      ['a sampler argument that is no number', { OTEL_TRACES_SAMPLER_ARG: 'half' }, ['tracing.samplerArg (OTEL_TRACES_SAMPLER_ARG): must be a number conforming to the specified constraints']],
      ['96-bit trace ids', { TRACE_ID_BITS: '96' }, ['tracing.traceIdBits (TRACE_ID_BITS): must be 64 or 128']],
      ['an unknown log level', { LOG_LEVEL: 'trace' }, ['logging.level (LOG_LEVEL): must be one of error, warn, info, debug']],
      ['a too small header limit', 'server:\n  maxHeaderBytes: 100\n', ['server.maxHeaderBytes: must not be less than 1024']],
      ['ZIPKIN_HEADERS without =', { ZIPKIN_HEADERS: 'Authorization' }, ['zipkin.headers (ZIPKIN_HEADERS): must be an object']],
      ['a collector header value with CR LF', { ZIPKIN_HEADERS: 'X-A=a%0D%0AX-Injected: 1' }, ['zipkin.headers (ZIPKIN_HEADERS): must map header names to header values']],
      ['a collector header name with a space', 'zipkin:\n  headers:\n    "X A": b\n', ['zipkin.headers (ZIPKIN_HEADERS): must map header names to header values']],
      ['a first backoff above the cap', 'spanExport:\n  initialBackoffMs: 20000\n', ['spanExport.initialBackoffMs: must not exceed spanExport.maxBackoffMs']],
      ['a message larger than the queue', { SPAN_EXPORT_MESSAGE_MAX_BYTES: '20000000' }, ['spanExport.messageMaxBytes (SPAN_EXPORT_MESSAGE_MAX_BYTES): must not exceed spanExport.queuedMaxBytes']],
      ['a variable renamed in 0.2.0', { ZIPKIN_QUEUED_MAX_BYTES: '1048576', ZIPKIN_CLOSE_TIMEOUT_MS: '0' }, [
        "ZIPKIN_QUEUED_MAX_BYTES: renamed SPAN_EXPORT_QUEUED_MAX_BYTES (the setting now applies to each exporter's queue)",
        "ZIPKIN_CLOSE_TIMEOUT_MS: renamed SPAN_EXPORT_CLOSE_TIMEOUT_MS (the setting now applies to each exporter's queue)",
      ]],
      ['a queue setting left under zipkin (0.2)', 'zipkin:\n  maxAttempts: 3\n', ['zipkin.maxAttempts: is not a known key']],
      ['a collector endpoint that is no http(s) URL', { OTEL_EXPORTER_ZIPKIN_ENDPOINT: FTP_SECRET }, ['zipkin.endpoint (OTEL_EXPORTER_ZIPKIN_ENDPOINT): must be an http(s) URL']],
      ['an unknown exporter', { OTEL_TRACES_EXPORTER: 'zipkin,jaeger' }, ['tracing.exporters (OTEL_TRACES_EXPORTER): each value must be one of zipkin, otlp']],
      ['no exporter', { OTEL_TRACES_EXPORTER: ' , ' }, ['tracing.exporters (OTEL_TRACES_EXPORTER): must contain at least 1 elements']],
      ['otlp listed without an endpoint', { OTEL_TRACES_EXPORTER: 'otlp' }, [
        'otlp.endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT): required when tracing.exporters (OTEL_TRACES_EXPORTER) lists otlp',
      ]],
      ['the grpc protocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, [
        "otlp.protocol (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL): must be one of http/protobuf, http/json (grpc is not supported: use the collector's OTLP/HTTP port, 4318)",
      ]],
      ['an unknown compression', { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }, ['otlp.compression (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION or OTEL_EXPORTER_OTLP_COMPRESSION): must be one of gzip, none']],
      ['an OTLP endpoint that is no http(s) URL', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: FTP_SECRET }, [
        'otlp.endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT): must be an http(s) URL',
      ]],
      ['OTLP headers without =', { OTEL_EXPORTER_OTLP_HEADERS: 'api-key' }, ['otlp.headers (OTEL_EXPORTER_OTLP_TRACES_HEADERS or OTEL_EXPORTER_OTLP_HEADERS): must be an object']],
    ])('should report %s', (_case, input, expected) => {
      const env: NodeJS.ProcessEnv = typeof input === 'string' ? { ...BASE_ENV, CONFIG_FILE: writeYaml(input) } : input;
      const base = typeof input === 'string' || Object.keys(input).length > 0 ? BASE_ENV : {};
      expect(loadError({ ...base, ...env }).problems).toEqual(expected);
    });

    it('should report several problems together in one GatewayConfigError', () => {
      const configFile = writeYaml('server:\n  foo: 1\nroutes:\n  - path: /a\n  - path: /a\n    upstream: ftp://x\n');
      const error = loadError({ CONFIG_FILE: configFile, GATEWAY_PORT: '70000', ZIPKIN_ENCODING: 'thrift', OTEL_PROPAGATORS: 'zipkin' });
      const problems = [
        'server.port (GATEWAY_PORT): must be a port number between 0 and 65535',
        'server.foo: is not a known key',
        'routes[1].upstream: must be an http(s) URL',
        'tracing.propagators (OTEL_PROPAGATORS): each value must be one of b3multi, b3, tracecontext',
        'zipkin.encoding (ZIPKIN_ENCODING): thrift exists only for Zipkin v1 (use json or proto3 with v2)',
        'routes[0].upstream: required when ingressGateway.url (INGRESS_GATEWAY_URL) is not set',
        'routes[1].path: duplicates routes[0] (exact /a)',
      ];
      expect({ name: error.name, problems: [...error.problems].sort(), message: error.message.split('\n')[0] }).toEqual({
        name: 'GatewayConfigError',
        problems: [...problems].sort(),
        message: `Invalid configuration (${problems.length} problems):`,
      });
      expect(error.message).toBe(`Invalid configuration (${problems.length} problems):\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    });

    it('should report file problems and value problems in the same error', () => {
      const missing = join(dir, 'missing-routes.yaml');
      expect(loadError({ ...BASE_ENV, ROUTES_FILE: missing, LOG_LEVEL: 'loud' }).problems).toEqual([
        `ROUTES_FILE (${missing}): cannot be read (ENOENT)`,
        'logging.level (LOG_LEVEL): must be one of error, warn, info, debug',
      ]);
    });

    it.each<[string, NodeJS.ProcessEnv]>([
      ['an ftp endpoint with the token in its path', { OTEL_EXPORTER_ZIPKIN_ENDPOINT: FTP_SECRET }],
      ['an endpoint that does not parse', { OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://collector example/adapt_SECRET/api/v2/spans' }],
      ['an endpoint without a scheme', { OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'collector.example/adapt_SECRET/api/v2/spans' }],
      ['an endpoint with a query token and a space', { OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans?token=SECRET x' }],
      ['an endpoint with a password and a bad port', { OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://user:SECRET@zipkin:99999/api/v2/spans' }],
      ['a collector header carrying the token', { ZIPKIN_HEADERS: 'Authorization=Bearer%20SECRET%0A' }],
      ['invalid YAML holding the token', { CONFIG_FILE: 'zipkin:\n  endpoint: http://c/adapt_SECRET/api/v2/spans\n  headers: { Authorization: [SECRET\n' }],
      ['a CONFIG_FILE that is only the collector URL (a YAML scalar)', { CONFIG_FILE: 'http://c/adapt_SECRET/api/v2/spans\n' }],
    ])('should never quote the secret of %s in the error', (_case, env) => {
      const withFile = env.CONFIG_FILE === undefined ? env : { ...env, CONFIG_FILE: writeYaml(env.CONFIG_FILE) };
      const error = loadError({ ...BASE_ENV, ...withFile });
      expect({ problems: error.problems.length > 0, leaks: error.message.includes('SECRET') || error.problems.some((p) => p.includes('SECRET')) })
        .toEqual({ problems: true, leaks: false });
    });
  });
});
