import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR, findObject, type KubeObject } from './helm-chart';

/** The dashboard as the chart ships it (loaded by templates/grafana-dashboard.yaml with .Files.Get). */
export const DASHBOARD_FILE = join(CHART_DIR, 'dashboards', 'external-proxy.json');

export interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
}

interface DashboardPanel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: DashboardPanel[];
}
export interface Dashboard {
  panels: DashboardPanel[];
  templating: { list: { query?: string | { query: string } }[] };
}

export function ruleGroupsOf(objects: readonly KubeObject[]): RuleGroup[] {
  return (findObject(objects, 'PrometheusRule') as KubeObject & { spec: { groups: RuleGroup[] } }).spec.groups;
}

export function ruleExpressions(groups: readonly RuleGroup[]): string[] {
  return groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every PromQL query of the dashboard: panel targets (rows included) and template variable queries. */
export function dashboardExpressions(dashboard: Dashboard): string[] {
  const panelExprs = (panels: readonly DashboardPanel[]): string[] =>
    panels.flatMap((panel) => [...(panel.targets ?? []).flatMap((target) => target.expr ?? []), ...panelExprs(panel.panels ?? [])]);
  const variableQueries = dashboard.templating.list.flatMap((variable) => {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    // label_values(<selector>, label): the selector is PromQL; a datasource variable's query is a plugin id.
    const selector = query?.match(/^label_values\((.*),\s*\w+\)$/)?.[1];
    return selector === undefined ? [] : [selector];
  });
  return [...panelExprs(dashboard.panels), ...variableQueries];
}

/** Words PromQL reserves; everything else that is not a function call, label or literal is a metric name. */
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * Metric names a PromQL expression reads. Strings, label matchers ({…}), ranges ([…]) and grouping
 * clauses (by/without/on/ignoring (…)) are removed first; identifiers followed by `(` are functions,
 * `$x` Grafana variables, and numbers never start an identifier.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = [...stripped.matchAll(/(?<![\w$.:])[A-Za-z_:][\w:]*(?![\w:]|\s*\()/g)].map((match) => match[0]);
  return [...new Set(names.filter((name) => !PROMQL_KEYWORDS.has(name.toLowerCase())))].sort();
}
