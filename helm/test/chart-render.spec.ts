import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CHART_DIR,
  REQUIRED_SETS,
  ensureHelm,
  findObject,
  findObjects,
  lintChart,
  renderChart,
  type KubeObject,
  type RenderOptions,
} from './helm-chart';
import { decodeSecretValue, gatewayContainer, loadRenderedConfig, type Container } from './gateway-env';
import { validateKubernetesObjects, type ObjectValidation } from './validate-k8s-objects';

/** Fields of the rendered pod the assertions read. */
interface PodSpec {
  securityContext: Record<string, unknown>;
  automountServiceAccountToken: boolean;
  enableServiceLinks: boolean;
  serviceAccountName: string;
  terminationGracePeriodSeconds: number;
  containers: (Container & Record<string, unknown>)[];
  volumes: { name: string; configMap?: { name: string } }[];
}
type Deployment = KubeObject & {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: PodSpec } };
};

const EXTERNAL_SECRETS = {
  'tracing-analysis-credentials/url': 'https://tracing-analysis-dc-hz.aliyuncs.com/adapt_fake@token_fake/api/v1/spans',
  'tracing-analysis-credentials/headers': 'x-acs-token=fake',
};
const CI_SCENARIOS = readdirSync(join(CHART_DIR, 'ci')).filter((file) => file.endsWith('-values.yaml')).sort();
const SCENARIOS: [string, RenderOptions][] = [
  ['default values + the two required --set', { set: REQUIRED_SETS }],
  ...CI_SCENARIOS.map((file): [string, RenderOptions] => [`ci/${file}`, { valuesFiles: [`ci/${file}`] }]),
];

const deploymentOf = (objects: readonly KubeObject[]): Deployment => findObject(objects, 'Deployment') as Deployment;
const collectorUrlOf = (objects: readonly KubeObject[]): string | undefined => {
  const ref = gatewayContainer(objects).env?.find((variable) => variable.name === 'OTEL_EXPORTER_ZIPKIN_ENDPOINT')?.valueFrom?.secretKeyRef;
  return ref && decodeSecretValue(objects, ref.name, ref.key);
};

/** Every scenario rendered once, and all objects validated in one child process (the models load slowly). */
const rendered = new Map<string, KubeObject[]>();
const validations = new Map<string, ObjectValidation[]>();
const renderedScenario = (name: string): KubeObject[] => {
  const objects = rendered.get(name);
  if (!objects) throw new Error(`scenario ${name} was not rendered`);
  return objects;
};

// helm runs as a child process per render; a loaded CI machine needs more than Jest's 5 s default.
jest.setTimeout(30_000);

beforeAll(() => {
  ensureHelm();
  for (const [name, options] of SCENARIOS) rendered.set(name, renderChart(options));
  const all = SCENARIOS.flatMap(([name]) => renderedScenario(name));
  const results = validateKubernetesObjects(all);
  let offset = 0;
  for (const [name] of SCENARIOS) {
    const count = renderedScenario(name).length;
    validations.set(name, results.slice(offset, offset + count));
    offset += count;
  }
}, 120_000);

describe('external-proxy chart scenarios', () => {
  it('should ship the ci scenarios the issue names', () => {
    expect(CI_SCENARIOS).toEqual([
      'dual-export-values.yaml',
      'existing-secret-values.yaml',
      'per-route-upstreams-values.yaml',
      'production-values.yaml',
      'v1-thrift-xtrace-values.yaml',
      'v2-proto3-values.yaml',
    ]);
  });
});

describe.each(SCENARIOS)('%s', (name, options) => {
  let objects: KubeObject[];
  let deployment: Deployment;
  let pod: PodSpec;
  let container: PodSpec['containers'][number];

  beforeAll(() => {
    objects = renderedScenario(name);
    deployment = deploymentOf(objects);
    pod = deployment.spec.template.spec;
    container = pod.containers[0];
  });

  it('should pass helm lint --strict without a failed check', () => {
    const result = lintChart(options);
    expect(result.stderr).not.toContain('funcMap fail');
    expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(result.status).toBe(0);
  });

  it('should render only objects that validate against the Kubernetes and prometheus-operator schemas', () => {
    const results = validations.get(name) ?? [];
    expect(results.filter((result) => result.error !== null)).toEqual([]);
    expect(results.length).toBe(objects.length);
  });

  it('should write a config that the gateway’s own loader accepts', () => {
    expect(() => loadRenderedConfig(objects, EXTERNAL_SECRETS)).not.toThrow();
  });

  it('should mount the ConfigMap where CONFIG_FILE points', () => {
    const configFile = container.env?.find((variable) => variable.name === 'CONFIG_FILE')?.value;
    const mounts = container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
    const configMount = mounts.find((mount) => mount.name === 'config');
    expect(configFile).toBe(`${configMount?.mountPath}/config.yaml`);
    expect(configMount?.readOnly).toBe(true);
    expect(pod.volumes.find((volume) => volume.name === 'config')?.configMap?.name).toBe(findObject(objects, 'ConfigMap', deployment.metadata.name).metadata.name);
  });

  it('should run non-root with a read-only root filesystem, no privilege escalation, no capabilities and RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(findObjects(objects, 'ServiceAccount').every((account) => account.automountServiceAccountToken === false)).toBe(true);
  });

  it('should inject no service links (a Service named gateway would set GATEWAY_PORT=tcp://…, which the gateway reads)', () => {
    expect(pod.enableServiceLinks).toBe(false);
  });

  it('should probe /health/live and /health/ready on the admin port', () => {
    const config = loadRenderedConfig(objects, EXTERNAL_SECRETS);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: config.server.port, protocol: 'TCP' },
      { name: 'admin', containerPort: config.server.adminPort, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'admin' } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health/ready', port: 'admin' } });
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'admin' } });
  });

  it('should label pods out of the mesh and keep selectors to name and instance', () => {
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(Object.keys(deployment.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    const testPod = findObjects(objects, 'Pod').find((object) => object.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(testPod?.metadata.labels?.['sidecar.istio.io/inject']).toBe('false');
  });

  it('should roll pods on config and secret changes (checksum annotations)', () => {
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    if (findObjects(objects, 'Secret').length > 0) expect(annotations['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
    else expect(annotations['checksum/secret']).toBeUndefined();
  });

  it('should keep the collector URL in a Secret only', () => {
    const url = collectorUrlOf(objects) ?? EXTERNAL_SECRETS['tracing-analysis-credentials/url'];
    const outsideSecrets = JSON.stringify(objects.filter((object) => object.kind !== 'Secret'));
    expect(outsideSecrets).not.toContain(url);
    expect(outsideSecrets).not.toContain(Buffer.from(url).toString('base64'));
    expect(outsideSecrets).not.toContain(new URL(url).pathname.length > 1 ? new URL(url).pathname : url);
    const configFile = parse((findObject(objects, 'ConfigMap', deploymentOf(objects).metadata.name) as KubeObject & { data: Record<string, string> }).data['config.yaml']) as { zipkin: object };
    expect(Object.keys(configFile.zipkin)).not.toEqual(expect.arrayContaining(['endpoint']));
    expect(Object.keys(configFile.zipkin)).not.toEqual(expect.arrayContaining(['headers']));
  });

  it('should give the pod more grace than preStop pause + drain + span flush', () => {
    const config = loadRenderedConfig(objects, EXTERNAL_SECRETS);
    const preStop = container.lifecycle as { preStop: { sleep?: { seconds: number }; exec?: { command: string[] } } };
    const pause = preStop.preStop.sleep?.seconds ?? Number(preStop.preStop.exec?.command[1]);
    expect(pause).toBeGreaterThan(0);
    const needed = pause + Math.ceil(config.server.drainTimeoutMs / 1000) + Math.ceil(config.spanExport.closeTimeoutMs / 1000);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(needed);
  });

  it('should name every object within 63 characters and label it with the common labels', () => {
    for (const object of objects) {
      expect(object.metadata.name.length).toBeLessThanOrEqual(63);
      expect(object.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'my-proxy', 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'external-proxy-0.2.0' });
    }
  });

  it('should keep the helm test pod out of every selector (Services would route to it)', () => {
    const testPod = findObject(objects, 'Pod');
    const selector = deployment.spec.selector.matchLabels;
    expect(testPod.metadata.labels).not.toMatchObject(selector);
    const others = objects.filter((object) => object.kind !== 'Pod');
    expect(others.every((object) => object.metadata.labels?.['app.kubernetes.io/name'] === 'external-proxy')).toBe(true);
  });

  it('should expose the proxy port and a separate admin Service with a port named admin', () => {
    const services = findObjects(objects, 'Service') as (KubeObject & { spec: { type: string; ports: { name: string; targetPort: string }[] } })[];
    expect(services.map((service) => service.spec.ports.map((port) => `${port.name}->${port.targetPort}`))).toEqual([['admin->admin'], ['http->http']]);
    expect(services.find((service) => service.spec.ports[0].name === 'admin')?.spec.type).toBe('ClusterIP');
  });
});

describe('V1 thrift to an XTrace-style URL (ci/v1-thrift-xtrace-values.yaml)', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedScenario('ci/v1-thrift-xtrace-values.yaml');
  });

  it('should configure Zipkin v1 thrift and pass the token-bearing URL through the Secret', () => {
    const config = loadRenderedConfig(objects);
    expect(config.zipkin).toMatchObject({ apiVersion: 'v1', encoding: 'thrift' });
    expect(config.zipkin.endpoint).toBe('http://tracing-analysis-dc-hz.aliyuncs.com/adapt_ci0token0abc@0def123456789_ci0token0xyz/api/v1/spans');
    expect(JSON.stringify(objects.filter((object) => object.kind !== 'Secret'))).not.toContain('adapt_');
  });
});

describe('V2 proto3 with auth headers (ci/v2-proto3-values.yaml)', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedScenario('ci/v2-proto3-values.yaml');
  });

  it('should deliver the collector headers through the Secret so the gateway decodes them exactly', () => {
    const config = loadRenderedConfig(objects);
    expect(config.zipkin.headers).toEqual({ Authorization: 'Bearer ci-token, with a comma and 100% literal', 'X-Scope-OrgID': 'team-a' });
    expect(config.zipkin).toMatchObject({ apiVersion: 'v2', encoding: 'proto3', endpoint: 'https://zipkin.example.com/api/v2/spans' });
    expect(config.tracing).toMatchObject({ propagators: ['b3multi', 'tracecontext'], samplerArg: 0.25, traceIdBits: 64 });
    expect(config.ingressGateway.tls).toMatchObject({ caFile: '/etc/external-proxy/tls/ca.crt', serverName: 'bookinfo.example.com' });
  });
});

describe('dual export, Zipkin and OTLP (ci/dual-export-values.yaml)', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedScenario('ci/dual-export-values.yaml');
  });

  it('should pass the OTLP URL and headers through the Secret only, so the gateway reads them exactly', () => {
    const config = loadRenderedConfig(objects);
    const env = gatewayContainer(objects).env ?? [];
    const configMap = findObject(objects, 'ConfigMap') as KubeObject & { data: Record<string, string> };
    expect({
      exporters: config.tracing.exporters,
      otlp: config.otlp,
      env: env.filter((variable) => variable.name.startsWith('OTEL_EXPORTER_OTLP_')),
      configMapHasUrl: configMap.data['config.yaml'].includes('otlp.example.com'),
    }).toEqual({
      exporters: ['zipkin', 'otlp'],
      otlp: { endpoint: 'https://otlp.example.com:4318/v1/traces', headers: { 'api-key': 'ci-otlp-key, with a comma and 100% literal' }, protocol: 'http/json', compression: 'gzip', tls: {} },
      env: [
        { name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', valueFrom: { secretKeyRef: { name: 'my-proxy-external-proxy', key: 'otlpEndpoint' } } },
        { name: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', valueFrom: { secretKeyRef: { name: 'my-proxy-external-proxy', key: 'otlpHeaders' } } },
      ],
      configMapHasUrl: false,
    });
  });

  it('should open egress to the OTLP collector port beside the Zipkin one', () => {
    const policy = findObject(objects, 'NetworkPolicy').spec as { egress: { ports: { port: number }[]; to?: unknown[] }[] };
    expect(policy.egress.map((rule) => rule.ports.map((p) => p.port))).toEqual([[80], [9411], [4318], [53, 53]]);
    expect(policy.egress[2].to).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }]);
  });
});

describe('HPA + PDB + ServiceMonitor + NetworkPolicy (ci/production-values.yaml)', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedScenario('ci/production-values.yaml');
  });

  it('should leave replicas to the HorizontalPodAutoscaler', () => {
    expect(deploymentOf(objects).spec.replicas).toBeUndefined();
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'my-proxy-external-proxy' },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
  });

  it('should guard the pods with a PodDisruptionBudget on the selector labels', () => {
    expect(findObject(objects, 'PodDisruptionBudget').spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: deploymentOf(objects).spec.selector.matchLabels },
    });
  });

  it('should scrape /metrics on the admin Service from the monitoring namespace', () => {
    const monitor = findObject(objects, 'ServiceMonitor');
    const admin = findObject(objects, 'Service', 'my-proxy-external-proxy-admin');
    expect(monitor.metadata).toMatchObject({ namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    const spec = monitor.spec as { selector: { matchLabels: Record<string, string> }; namespaceSelector: unknown; endpoints: unknown[] };
    expect(admin.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(findObject(objects, 'Service', 'my-proxy-external-proxy').metadata.labels).not.toMatchObject(spec.selector.matchLabels);
    expect(spec.namespaceSelector).toEqual({ matchNames: ['edge'] });
    expect(spec.endpoints).toEqual([{ port: 'admin', path: '/metrics', scheme: 'http', interval: '15s', scrapeTimeout: '5s', honorLabels: false }]);
  });

  it('should allow egress only to the ingress gateway, the collector and DNS', () => {
    const policy = findObject(objects, 'NetworkPolicy').spec as { policyTypes: string[]; egress: unknown[]; ingress: unknown[] };
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.egress).toEqual([
      {
        ports: [{ port: 80, protocol: 'TCP' }],
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } }],
      },
      { ports: [{ port: 9411, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }] },
      {
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      },
    ]);
    expect(policy.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }] },
      {
        ports: [{ port: 'admin', protocol: 'TCP' }],
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
          { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'external-proxy-test', 'app.kubernetes.io/instance': 'my-proxy' } } },
        ],
      },
    ]);
  });

  it('should pin the image by digest, honour the explicit grace period and spread pods by the selector labels', () => {
    const pod = deploymentOf(objects).spec.template.spec;
    expect(pod.containers[0].image).toBe('registry.example.com/platform/external-proxy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod).toMatchObject({
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: deploymentOf(objects).spec.selector.matchLabels } }],
    });
  });

  it('should route the Ingress to the proxy Service', () => {
    expect(findObject(objects, 'Ingress').spec).toMatchObject({
      ingressClassName: 'nginx',
      rules: [{ host: 'proxy.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'my-proxy-external-proxy', port: { name: 'http' } } } }] } }],
    });
  });
});

describe('existing collector Secret (ci/existing-secret-values.yaml)', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedScenario('ci/existing-secret-values.yaml');
  });

  it('should create no Secret and read the URL and headers from the named Secret', () => {
    expect(findObjects(objects, 'Secret')).toEqual([]);
    expect(gatewayContainer(objects).env?.filter((variable) => variable.valueFrom)).toEqual([
      { name: 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', valueFrom: { secretKeyRef: { name: 'tracing-analysis-credentials', key: 'url' } } },
      { name: 'ZIPKIN_HEADERS', valueFrom: { secretKeyRef: { name: 'tracing-analysis-credentials', key: 'headers' } } },
    ]);
    expect(loadRenderedConfig(objects, EXTERNAL_SECRETS).zipkin).toMatchObject({ apiVersion: 'v1', encoding: 'json', headers: { 'x-acs-token': 'fake' } });
  });

  it('should open the configured collector port in the NetworkPolicy', () => {
    const policy = findObject(objects, 'NetworkPolicy').spec as { egress: { ports: { port: number }[]; to?: unknown }[] };
    expect(policy.egress.map((rule) => rule.ports.map((port) => port.port))).toEqual([[80], [443], [53, 53]]);
  });
});

describe('per-route upstreams (ci/per-route-upstreams-values.yaml)', () => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = renderedScenario('ci/per-route-upstreams-values.yaml');
  });

  it('should need no ingress gateway URL when every route has an upstream', () => {
    const config = loadRenderedConfig(objects);
    expect(config.ingressGateway.url).toBeUndefined();
    expect(config.routes.map((route) => route.upstream)).toEqual(['http://10.0.0.5:80', 'https://ingress.internal.example.com:8443', 'http://10.0.0.6']);
  });

  it('should derive the egress ports from every upstream URL', () => {
    const policy = findObject(objects, 'NetworkPolicy').spec as { egress: { ports: { port: number }[] }[] };
    expect(policy.egress.map((rule) => rule.ports.map((port) => port.port))).toEqual([[80, 8443], [9411], [53, 53]]);
  });

  it('should expose a LoadBalancer that keeps client addresses', () => {
    expect(findObject(objects, 'Service', 'my-proxy-external-proxy').spec).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: ['10.0.0.0/8'],
    });
  });

  it('should point the helm test pod at the configured route and statuses', () => {
    const testPod = findObject(objects, 'Pod') as KubeObject & { spec: { containers: Container[] } };
    expect(testPod.spec.containers[0].env).toEqual([
      { name: 'READY_URL', value: 'http://my-proxy-external-proxy-admin:9464/health/ready' },
      { name: 'ROUTE_URL', value: 'http://my-proxy-external-proxy:8080/api/v1/reviews/1' },
      { name: 'ROUTE_METHOD', value: 'GET' },
      { name: 'EXPECT_STATUS', value: '200,404' },
    ]);
  });
});
