import { REQUIRED_SETS, renderChart } from '../../../helm/test/helm-chart';
import { dashboardExpressions, loadDashboard, metricNamesIn, ruleExpressions, ruleGroupsOf } from '../../../helm/test/monitoring-queries';
import type { StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { closeStandIns, gatewayEnv, startStandIns } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import type { StandInUpstream } from './support/stand-in-upstream';

/** Series the chart's queries read from other exporters, by who exports them. */
const EXTERNAL_METRICS: Readonly<Record<string, string>> = {
  // ExternalProxyPodNotReady: the kubelet's readiness verdict (see the chart README for why not `up`).
  kube_pod_status_ready: 'kube-state-metrics',
};

/** Metric names (with their _bucket/_count/_sum/_total suffix as written) the chart's alerts and dashboard query. */
function chartQueries(): { source: string; name: string }[] {
  const objects = renderChart({ set: { ...REQUIRED_SETS, 'metrics.prometheusRule.enabled': true } });
  const sources: [string, string[]][] = [
    ['PrometheusRule', ruleExpressions(ruleGroupsOf(objects))],
    ['dashboards/external-proxy.json', dashboardExpressions(loadDashboard())],
  ];
  return sources.flatMap(([source, exprs]) => [...new Set(exprs.flatMap(metricNamesIn))].map((name) => ({ source, name })));
}

/** Names of the series a Prometheus text exposition holds (HELP/TYPE lines left out). */
function exposedNames(metricsText: string): Set<string> {
  return new Set(metricsText.split('\n').flatMap((line) => /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line)?.[1] ?? []));
}

describe('chart alerts and dashboard against a running gateway', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ upstream, collector } = await startStandIns());
    gateway = await startGateway(
      gatewayEnv(
        { upstream, collector, routes: [{ name: 'productpage', path: '/', upstreamPath: '/productpage' }, { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' }] },
        { OTEL_BSP_SCHEDULE_DELAY: '20' },
      ),
    );
  });

  afterAll(async () => {
    await gateway.stop();
    await closeStandIns({ upstream, collector });
  });

  it('should expose the span counters the alerts take increase() of at 0 before the first span', async () => {
    const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
    for (const cause of ['rejected', 'send_failed', 'queue_full']) expect(metrics).toMatch(new RegExp(`^zipkin_reporter_spans_dropped_total\\{cause="${cause}"[^}]*\\} 0$`, 'm'));
    expect(metrics).toMatch(/^zipkin_reporter_spans_sent_total\{[^}]*\} 0$/m);
  });

  it('should expose every metric name a rule expression or a dashboard query uses, after a 200, a 404 and a 502', async () => {
    const statuses = [(await send(`${gateway.url}/`)).status, (await send(`${gateway.url}/nope`)).status, (await send(`${gateway.url}/api/status/502`)).status];
    const exposed = exposedNames((await send(`${gateway.adminUrl}/metrics`)).body);
    const queries = chartQueries();

    expect(statuses).toEqual([200, 404, 502]);
    expect(queries.length).toBeGreaterThan(10);
    expect(queries.filter(({ name }) => !exposed.has(name) && EXTERNAL_METRICS[name] === undefined)).toEqual([]);
  });
});
