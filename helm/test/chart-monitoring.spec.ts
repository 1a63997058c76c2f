import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REQUIRED_SETS, ensureHelm, findObject, findObjects, lintChart, renderChart, renderFailure, type KubeObject, type RenderOptions } from './helm-chart';
import { dashboardExpressions, loadDashboard, metricNamesIn, ruleExpressions, ruleGroupsOf, type RuleGroup } from './monitoring-queries';
import { ensurePromtool } from './promtool';
import { validateKubernetesObjects } from './validate-k8s-objects';

type DashboardConfigMap = KubeObject & { data: Record<string, string> };

const BOTH_ENABLED: RenderOptions = {
  set: { ...REQUIRED_SETS, 'metrics.prometheusRule.enabled': true, 'metrics.grafanaDashboard.enabled': true },
};
const ALERTS = [
  'ExternalProxySpansDropped',
  'ExternalProxyCollectorRejectingSpans',
  'ExternalProxyCollectorFailing',
  'ExternalProxyHighServerErrorRatio',
  'ExternalProxyUpstreamSlow',
  'ExternalProxyPodNotReady',
  'ExternalProxyEventLoopDelay',
];

// Resolved while Jest collects the tests, so a machine without it skips them visibly rather than passing.
const promtool = ensurePromtool();

jest.setTimeout(30_000);

beforeAll(() => {
  ensureHelm();
});

describe('metrics.prometheusRule and metrics.grafanaDashboard', () => {
  let objects: KubeObject[];
  let groups: RuleGroup[];

  beforeAll(() => {
    objects = renderChart(BOTH_ENABLED);
    groups = ruleGroupsOf(objects);
  });

  it('should render neither by default', () => {
    const defaults = renderChart({ set: REQUIRED_SETS });
    expect(findObjects(defaults, 'PrometheusRule')).toEqual([]);
    expect(findObjects(defaults, 'ConfigMap').map((configMap) => configMap.metadata.name)).toEqual(['my-proxy-external-proxy']);
  });

  it('should pass helm lint --strict with both enabled', () => {
    const result = lintChart(BOTH_ENABLED);
    expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(result.status).toBe(0);
  });

  it('should render objects that validate against the Kubernetes and prometheus-operator schemas', () => {
    const results = validateKubernetesObjects(objects);
    expect(results.filter((result) => result.error !== null)).toEqual([]);
    expect(results.map((result) => result.kind)).toEqual(expect.arrayContaining(['PrometheusRule', 'ConfigMap']));
  });

  it('should render every default alert, scoped to the release’s admin job', () => {
    expect(groups.flatMap((group) => group.rules.map((rule) => rule.alert))).toEqual(ALERTS);
    for (const rule of groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== 'ExternalProxyPodNotReady')) {
      expect({ alert: rule.alert, scoped: rule.expr.includes('namespace="edge",job="my-proxy-external-proxy-admin"') }).toEqual({ alert: rule.alert, scoped: true });
    }
  });

  it('should match the release’s pods by name in the readiness alert (kube-state-metrics has no pod labels by default)', () => {
    const rule = groups[0].rules.find((candidate) => candidate.alert === 'ExternalProxyPodNotReady');
    expect(rule?.expr).toBe('sum by (namespace, pod) (kube_pod_status_ready{namespace="edge",pod=~"my-proxy-external-proxy-[a-z0-9]+-[a-z0-9]+",condition="false"}) > 0');
  });

  it('should never group the zipkin_reporter_* series by a label the rules do not name (an exporter label may appear)', () => {
    for (const expr of ruleExpressions(groups).filter((candidate) => candidate.includes('zipkin_reporter_'))) expect(expr).toMatch(/^sum by \([^)]*\) \(/);
  });

  it('should take thresholds, durations, severities, labels and the selector from values', () => {
    const tuned = renderChart({
      set: {
        ...REQUIRED_SETS,
        'metrics.prometheusRule.enabled': true,
        'metrics.prometheusRule.namespace': 'monitoring',
        'metrics.prometheusRule.labels.release': 'kube-prometheus-stack',
        'metrics.prometheusRule.alertLabels.team': 'platform',
        'metrics.prometheusRule.seriesSelector': 'job="gw"',
        'metrics.prometheusRule.rateWindow': '10m',
        'metrics.prometheusRule.alerts.upstreamLatency.thresholdSeconds': 5,
        'metrics.prometheusRule.alerts.upstreamLatency.for': '15m',
        'metrics.prometheusRule.alerts.upstreamLatency.severity': 'critical',
        'metrics.prometheusRule.alerts.podNotReady.enabled': false,
      },
    });
    const rule = findObject(tuned, 'PrometheusRule');
    const rules = ruleGroupsOf(tuned)[0].rules;
    expect(rule.metadata).toMatchObject({ namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    expect(rules.map((candidate) => candidate.alert)).toEqual(ALERTS.filter((alert) => alert !== 'ExternalProxyPodNotReady'));
    expect(rules.find((candidate) => candidate.alert === 'ExternalProxyUpstreamSlow')).toMatchObject({
      expr: 'histogram_quantile(0.99, sum by (le, namespace, job, server_address) (rate(http_client_request_duration_seconds_bucket{job="gw"}[10m]))) > 5',
      for: '15m',
      labels: { severity: 'critical', team: 'platform' },
    });
  });

  it('should ship the dashboard file unchanged in a ConfigMap labelled for Grafana’s sidecar', () => {
    const configMap = findObject(objects, 'ConfigMap', 'my-proxy-external-proxy-dashboard') as DashboardConfigMap;
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(configMap.data['external-proxy.json'])).toEqual(loadDashboard());
  });

  it('should take the dashboard’s label, namespace and annotations from values', () => {
    const tuned = renderChart({
      set: {
        ...REQUIRED_SETS,
        'metrics.grafanaDashboard.enabled': true,
        'metrics.grafanaDashboard.namespace': 'grafana',
        'metrics.grafanaDashboard.label': 'dashboards.example.com/grafana',
        'metrics.grafanaDashboard.labelValue': 'edge',
        'metrics.grafanaDashboard.annotations.grafana_folder': 'Gateways',
      },
    });
    expect(findObject(tuned, 'ConfigMap', 'my-proxy-external-proxy-dashboard').metadata).toMatchObject({
      namespace: 'grafana',
      labels: { 'dashboards.example.com/grafana': 'edge' },
      annotations: { grafana_folder: 'Gateways' },
    });
  });

  it('should chart every signal the issue names', () => {
    const names = new Set(dashboardExpressions(loadDashboard()).flatMap(metricNamesIn));
    expect([...names].sort()).toEqual(
      expect.arrayContaining([
        'http_server_request_duration_seconds_count',
        'http_server_request_duration_seconds_bucket',
        'http_client_request_duration_seconds_bucket',
        'zipkin_reporter_spans_sent_total',
        'zipkin_reporter_spans_dropped_total',
        'zipkin_reporter_queue_spans',
        'zipkin_reporter_queue_bytes',
        'nodejs_eventloop_delay_seconds',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
      ]),
    );
  });

  it('should refuse unknown keys and out-of-range thresholds', () => {
    expect(renderFailure({ set: { ...REQUIRED_SETS, 'metrics.prometheusRule.alerts.spansDropped.threshold': 1 } })).toContain('threshold');
    expect(renderFailure({ set: { ...REQUIRED_SETS, 'metrics.prometheusRule.alerts.serverErrorRatio.threshold': 2 } })).toContain('serverErrorRatio');
    expect(renderFailure({ set: { ...REQUIRED_SETS, 'metrics.prometheusRule.alerts.eventLoopDelay.severity': 'page' } })).toContain('severity');
    expect(renderFailure({ set: { ...REQUIRED_SETS, 'metrics.grafanaDashboard.folder': 'x' } })).toContain('folder');
  });

  (promtool ? it : it.skip)('should pass promtool check rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'external-proxy-rules-'));
    try {
      const file = join(dir, 'rules.yaml');
      writeFileSync(file, stringify({ groups }));
      const result = spawnSync(promtool ?? 'promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).toContain(`SUCCESS: ${ALERTS.length} rules found`);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the default alerts under promtool test rules', () => {
  const SELF = 'namespace="edge",job="my-proxy-external-proxy-admin"';
  const SELF_LABELS = { namespace: 'edge', job: 'my-proxy-external-proxy-admin' };
  /** Series one minute apart; `exporter` is there because the zipkin_reporter_* series may carry it. */
  const INPUT_SERIES = [
    { series: `zipkin_reporter_spans_dropped_total{${SELF},cause="rejected",exporter="zipkin"}`, values: '0 0 0 5 10 15 20 25 30 35 40 45 50 55 60 65' },
    { series: `zipkin_reporter_spans_dropped_total{${SELF},cause="queue_full",exporter="zipkin"}`, values: '0x15' },
    { series: `http_server_request_duration_seconds_count{${SELF},http_route="/",http_response_status_code="200"}`, values: '0+90x15' },
    { series: `http_server_request_duration_seconds_count{${SELF},http_route="/",http_response_status_code="502"}`, values: '0+10x15' },
    { series: 'kube_pod_status_ready{namespace="edge",pod="my-proxy-external-proxy-5d8f7b9c4-x7k2p",condition="false"}', values: '1x15' },
    { series: 'kube_pod_status_ready{namespace="edge",pod="other-app-5d8f7b9c4-x7k2p",condition="false"}', values: '1x15' },
    { series: `nodejs_eventloop_delay_seconds{${SELF},pod="p1",quantile="0.99"}`, values: '0.5x15' },
    // Every upstream call to gw between 1 s and 5 s: p99 ≈ 4.96 s.
    { series: `http_client_request_duration_seconds_bucket{${SELF},server_address="gw",le="1"}`, values: '0x15' },
    { series: `http_client_request_duration_seconds_bucket{${SELF},server_address="gw",le="5"}`, values: '0+10x15' },
    { series: `http_client_request_duration_seconds_bucket{${SELF},server_address="gw",le="+Inf"}`, values: '0+10x15' },
  ];
  const TESTS = [
    {
      interval: '1m',
      input_series: INPUT_SERIES,
      alert_rule_test: [
        { eval_time: '15m', alertname: 'ExternalProxyCollectorRejectingSpans', exp_alerts: [{ exp_labels: { ...SELF_LABELS, severity: 'critical' } }] },
        // rejected has its own alert; queue_full stayed at 0.
        { eval_time: '15m', alertname: 'ExternalProxySpansDropped', exp_alerts: [] },
        { eval_time: '15m', alertname: 'ExternalProxyHighServerErrorRatio', exp_alerts: [{ exp_labels: { ...SELF_LABELS, severity: 'warning' } }] },
        { eval_time: '15m', alertname: 'ExternalProxyPodNotReady', exp_alerts: [{ exp_labels: { namespace: 'edge', pod: 'my-proxy-external-proxy-5d8f7b9c4-x7k2p', severity: 'warning' } }] },
        { eval_time: '15m', alertname: 'ExternalProxyEventLoopDelay', exp_alerts: [{ exp_labels: { ...SELF_LABELS, pod: 'p1', severity: 'warning' } }] },
        { eval_time: '15m', alertname: 'ExternalProxyUpstreamSlow', exp_alerts: [{ exp_labels: { ...SELF_LABELS, server_address: 'gw', severity: 'warning' } }] },
        // `for: 10m` not yet elapsed.
        { eval_time: '5m', alertname: 'ExternalProxyEventLoopDelay', exp_alerts: [] },
      ],
    },
  ];

  (promtool ? it : it.skip)('should fire exactly the alerts the input series call for', () => {
    const groups = ruleGroupsOf(renderChart(BOTH_ENABLED));
    const dir = mkdtempSync(join(tmpdir(), 'external-proxy-rule-tests-'));
    try {
      // promtool compares annotations exactly; these tests are about when alerts fire and with which labels.
      const withoutAnnotations = groups.map((group) => ({ ...group, rules: group.rules.map(({ annotations: _annotations, ...rule }) => rule) }));
      writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: withoutAnnotations }));
      writeFileSync(join(dir, 'tests.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: TESTS }));
      const result = spawnSync(promtool ?? 'promtool', ['test', 'rules', 'tests.yaml'], { cwd: dir, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(metricNamesIn.name, () => {
  it.each([
    ['sum by (cause) (rate(zipkin_reporter_spans_dropped_total{job="a",cause!~"x|y"}[5m])) > 0', ['zipkin_reporter_spans_dropped_total']],
    ['histogram_quantile(0.99, sum by (le, server_address) (rate(http_client_request_duration_seconds_bucket[$__rate_interval]))) > 1e+06', ['http_client_request_duration_seconds_bucket']],
    ['sum(rate(a_total[5m])) / sum(rate(b_total{x="rate(c)"}[5m])) > 0.05', ['a_total', 'b_total']],
    ['max by (pod, quantile) (nodejs_eventloop_delay_seconds{namespace="$namespace"}) and on (pod) up offset 5m', ['nodejs_eventloop_delay_seconds', 'up']],
    ['gateway_build_info', ['gateway_build_info']],
  ])('should find the metric names in %s', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});
