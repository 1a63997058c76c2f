import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parse, parseDocument, type Node, type YAMLMap } from 'yaml';
import {
  ENV_BINDINGS,
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
} from '@app/config';
import {
  CHART_DIR,
  REPO_ROOT,
  REQUIRED_SETS,
  ensureHelm,
  findObject,
  renderChart,
  renderFailure,
  renderNotes,
  type KubeObject,
  type RenderOptions,
} from './helm-chart';

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  allOf?: { then: JsonSchema }[];
  definitions?: Record<string, JsonSchema>;
  $ref?: string;
}

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as JsonSchema;
const valuesText = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');

/** Follows a path of property names (`[]` = array items) through the schema, resolving local $refs. */
function schemaAt(path: string): JsonSchema {
  let node: JsonSchema = schema;
  for (const key of path.split('.')) {
    node = key === '[]' ? node.items ?? {} : node.properties?.[key] ?? {};
    if (node.$ref) node = schema.definitions?.[node.$ref.replace('#/definitions/', '')] ?? {};
  }
  return node;
}

/** Dotted paths of mapping keys that carry no comment (keys below sequences are data, not settings). */
function uncommentedKeys(map: YAMLMap, prefix = ''): string[] {
  return map.items.flatMap((pair, index) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const keyNode = pair.key as Node;
    const value = pair.value as Node | null;
    const commented = Boolean(keyNode.commentBefore || value?.comment || (index === 0 && map.commentBefore));
    return [...(commented ? [] : [path]), ...(isMap(value) ? uncommentedKeys(value, path) : [])];
  });
}

// helm runs as a child process per render; a loaded CI machine needs more than Jest's 5 s default.
jest.setTimeout(30_000);

beforeAll(() => {
  ensureHelm();
}, 120_000);

describe('values.schema.json', () => {
  it.each([
    ['config.zipkin.apiVersion', ZIPKIN_API_VERSIONS],
    ['config.zipkin.encoding', ZIPKIN_ENCODINGS],
    ['config.tracing.propagators.[]', PROPAGATORS],
    ['config.tracing.sampler', SAMPLERS],
    ['config.tracing.traceIdBits', TRACE_ID_BITS],
    ['config.routes.[].methods.[]', HTTP_METHODS],
    ['config.logging.level', LOG_LEVELS],
    ['config.tracing.exporters.[]', TRACE_EXPORTERS],
    ['config.otlp.protocol', OTLP_PROTOCOLS],
    ['config.otlp.compression', OTLP_COMPRESSIONS],
  ])('should enumerate %s exactly as the gateway does', (path, appEnum) => {
    expect(schemaAt(path).enum).toEqual([...appEnum]);
  });

  it('should pair each Zipkin encoding with the API versions the gateway accepts', () => {
    expect(schemaAt('config.zipkin').allOf?.map((rule) => rule.then.properties?.encoding.enum)).toEqual([
      ZIPKIN_ENCODINGS.filter((encoding) => encoding !== 'proto3'),
      ZIPKIN_ENCODINGS.filter((encoding) => encoding !== 'thrift'),
    ]);
  });

  it.each([
    ['an unknown top-level key', { replicas: 2 }, "at '': additional properties 'replicas' not allowed"],
    ['an unknown config key', { 'config.server.prot': 8080 }, "at '/config/server': additional properties 'prot' not allowed"],
    ['an unknown sampler', { 'config.tracing.sampler': 'probabilistic' }, "at '/config/tracing/sampler': value must be one of"],
    ['an unknown encoding', { 'config.zipkin.encoding': 'avro' }, "at '/config/zipkin/encoding': value must be one of 'json', 'thrift', 'proto3'"],
    ['Zipkin v1 with proto3', { 'config.zipkin.apiVersion': 'v1', 'config.zipkin.encoding': 'proto3' }, "at '/config/zipkin/encoding': value must be one of 'json', 'thrift'"],
    ['Zipkin v2 with thrift', { 'config.zipkin.encoding': 'thrift' }, "at '/config/zipkin/encoding': value must be one of 'json', 'proto3'"],
    ['a non-URL ingress gateway', { 'ingressGateway.url': 'istio-ingressgateway:80' }, "at '/ingressGateway/url'"],
    ['a client certificate without its key', { 'config.ingressGateway.tls.certFile': '/tls/tls.crt' }, "at '/config/ingressGateway/tls': properties 'keyFile' required, if 'certFile' exists"],
    ['a port out of range', { 'config.server.adminPort': 70000 }, "at '/config/server/adminPort': maximum: got 70,000, want 65,535"],
  ])('should refuse %s', (_label, set, message) => {
    const stderr = renderFailure({ set: { ...REQUIRED_SETS, ...set } });
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toContain(message);
  });
});

describe('render-time checks (templates/_validate.tpl, shared by NOTES.txt)', () => {
  const withUrl = (set: Record<string, string | number | boolean | null>): RenderOptions => ({ set: { ...REQUIRED_SETS, ...set } });
  it.each<[string, RenderOptions, string]>([
    [
      'no ingress URL and a route without upstream (the bare defaults)',
      {},
      'config.routes[0] (productpage) has no upstream and ingressGateway.url is not set: pass --set ingressGateway.url=',
    ],
    [
      'a duplicate route path',
      withUrl({ 'config.routes[0].path': '/', 'config.routes[1].path': '/', 'config.routes[1].name': 'again' }),
      'config.routes[1].path duplicates config.routes[0] (exact /)',
    ],
    [
      'Zipkin v1 with proto3 past the schema',
      { ...withUrl({ 'config.zipkin.apiVersion': 'v1', 'config.zipkin.encoding': 'proto3' }), skipSchemaValidation: true },
      'config.zipkin.encoding proto3 exists only for Zipkin v2',
    ],
    ['a retry delay above its cap', withUrl({ 'config.spanExport.initialBackoffMs': 20000 }), 'config.spanExport.initialBackoffMs must not exceed config.spanExport.maxBackoffMs'],
    ['the same proxy and admin port', withUrl({ 'config.server.adminPort': 8080 }), 'config.server.port and config.server.adminPort must differ'],
    [
      'a grace period shorter than the shutdown',
      withUrl({ 'shutdown.terminationGracePeriodSeconds': 30 }),
      'shutdown.terminationGracePeriodSeconds (30) must exceed shutdown.preStopSleepSeconds + config.server.drainTimeoutMs + config.spanExport.closeTimeoutMs = 30 s',
    ],
    ['an existing Secret together with an endpoint', withUrl({ 'zipkin.existingSecret': 'collector' }), 'zipkin.existingSecret is set together with zipkin.endpoint/zipkin.headers'],
    ['extraEnv overriding a port', withUrl({ 'extraEnv[0].name': 'ADMIN_PORT', 'extraEnv[0].value': '9000' }), 'extraEnv must not set ADMIN_PORT: the chart sets it from config.server.adminPort'],
    [
      'autoscaling bounds upside down',
      withUrl({ 'autoscaling.enabled': true, 'autoscaling.minReplicas': 5, 'autoscaling.maxReplicas': 2 }),
      'autoscaling.minReplicas must not exceed autoscaling.maxReplicas',
    ],
    ['autoscaling without a CPU request', withUrl({ 'autoscaling.enabled': true, 'resources.requests': null }), 'autoscaling needs resources.requests.cpu'],
    ['OTLP listed without an OTLP endpoint', withUrl({ 'config.tracing.exporters': '{zipkin,otlp}' }), 'config.tracing.exporters lists otlp: set otlp.endpoint or otlp.existingSecret'],
    [
      'an existing OTLP Secret together with an OTLP endpoint',
      withUrl({ 'otlp.existingSecret': 'otlp', 'otlp.endpoint': 'http://otel:4318/v1/traces' }),
      'otlp.existingSecret is set together with otlp.endpoint/otlp.headers',
    ],
    [
      'a NetworkPolicy that cannot know the OTLP port of an existing Secret',
      { set: { 'ingressGateway.url': REQUIRED_SETS['ingressGateway.url'], 'otlp.existingSecret': 'otlp', 'config.tracing.exporters': '{otlp}', 'networkPolicy.enabled': true } },
      'networkPolicy.egress.otlpCollector.ports is required with otlp.existingSecret',
    ],
    [
      'a NetworkPolicy that cannot know the collector port of an existing Secret',
      { set: { 'ingressGateway.url': REQUIRED_SETS['ingressGateway.url'], 'zipkin.existingSecret': 'collector', 'networkPolicy.enabled': true } },
      'networkPolicy.egress.collector.ports is required with zipkin.existingSecret',
    ],
  ])('should refuse %s with a clear message', (_label, options, message) => {
    const stderr = renderFailure(options);
    expect(stderr).toContain('external-proxy: invalid values (1 problem)');
    expect(stderr).toContain(message);
  });

  it('should list every problem in one message', () => {
    const stderr = renderFailure({ set: { 'config.server.adminPort': 8080, 'config.spanExport.initialBackoffMs': 20000 } });
    expect(stderr).toContain('external-proxy: invalid values (3 problems)');
  });

  it('should only refuse extraEnv names the gateway or the chart actually reads', () => {
    const tpl = readFileSync(join(CHART_DIR, 'templates', '_validate.tpl'), 'utf8');
    const reserved = [...(/\$reserved := dict (.*) }}/.exec(tpl)?.[1] ?? '').matchAll(/"([A-Z_]+)" "[^"]+"/g)].map((match) => match[1]);
    expect(reserved.length).toBeGreaterThan(5);
    const known = new Set([...ENV_BINDINGS.map((binding) => binding.env), 'CONFIG_FILE', 'ROUTES_FILE']);
    expect(reserved.filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('values.yaml', () => {
  it('should comment every key', () => {
    const doc = parseDocument(valuesText);
    expect(uncommentedKeys(doc.contents as YAMLMap)).toEqual([]);
  });

  it('should mirror config/default.yaml under `config` (minus the URL and the secret collector settings)', () => {
    type Section = Record<string, unknown>;
    const defaults = parse(readFileSync(join(REPO_ROOT, 'config', 'default.yaml'), 'utf8')) as { ingressGateway: Section; zipkin: Section; otlp: Section };
    const ingressGateway = { ...defaults.ingressGateway };
    const zipkin = { ...defaults.zipkin };
    const otlp = { ...defaults.otlp };
    delete ingressGateway.url;
    delete zipkin.endpoint;
    delete zipkin.headers;
    delete otlp.endpoint;
    delete otlp.headers;
    const values = parse(valuesText) as { config: unknown };
    expect(values.config).toEqual({ ...defaults, ingressGateway, zipkin, otlp });
  });
});

describe('NOTES.txt', () => {
  it('should say how to reach the proxy and where spans go, without printing the collector URL', () => {
    const notes = renderNotes({ set: { ...REQUIRED_SETS, 'zipkin.endpoint': 'https://collector.example.com/adapt_secret0token/api/v2/spans' } });
    expect(notes).toContain('kubectl port-forward -n edge svc/my-proxy-external-proxy 8080:8080');
    expect(notes).toContain('http://my-proxy-external-proxy.edge.svc:8080');
    expect(notes).toContain('GET / -> http://istio-ingressgateway.istio-system:80/productpage');
    expect(notes).toContain('Zipkin v2 json to the collector URL in Secret "my-proxy-external-proxy"');
    expect(notes).toContain('terminationGracePeriodSeconds 35');
    expect(notes).not.toContain('adapt_secret0token');
  });

  it('should say where OTLP spans go in dual export, without printing the URL', () => {
    const notes = renderNotes({ set: { ...REQUIRED_SETS, 'config.tracing.exporters': '{zipkin,otlp}', 'otlp.endpoint': 'https://otlp.example.com/t/secret0token/v1/traces' } });
    expect(notes).toContain('Spans (exporters: zipkin, otlp):');
    expect(notes).toContain('OTLP http/protobuf to the URL in Secret "my-proxy-external-proxy"');
    expect(notes).not.toContain('secret0token');
  });

  it('should warn when spans have no collector', () => {
    const notes = renderNotes({ set: { 'ingressGateway.url': REQUIRED_SETS['ingressGateway.url'] } });
    expect(notes).toContain('No collector configured (zipkin.endpoint): spans are written to the pod log');
  });
});

describe('names and versions', () => {
  it('should keep every name within 63 characters for a long release name', () => {
    const release = 'a-release-name-at-the-53-character-limit-of-helm-4-ok';
    expect(release).toHaveLength(53);
    const objects = renderChart({ set: REQUIRED_SETS, release });
    const names = objects.map((object) => object.metadata.name);
    expect(names.every((name) => name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))).toBe(true);
    expect(names.filter((name) => name.endsWith('-admin') || name.endsWith('-test'))).toHaveLength(2);
  });

  it('should default the image tag to appVersion and fall back to an exec preStop before Kubernetes 1.30', () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    const objects = renderChart({ set: REQUIRED_SETS, kubeVersion: '1.29.0' });
    const container = (findObject(objects, 'Deployment') as KubeObject & { spec: { template: { spec: { containers: { image: string; lifecycle: unknown }[] } } } }).spec.template.spec.containers[0];
    expect(container.image).toBe(`external-proxy:${chart.appVersion}`);
    expect(container.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
  });

  it("should ship the gateway version it was written for: appVersion is package.json's version", () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    const pkg = JSON.parse(readFileSync(join(CHART_DIR, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(chart.appVersion).toBe(pkg.version);
  });
});
