import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Runs `helm` against the chart with no cluster: lint, template, and install --dry-run=client. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'helm', 'external-proxy');
const TOOLS_DIR = join(REPO_ROOT, '.tools', 'helm');
const FETCH_SCRIPT = join(REPO_ROOT, 'scripts', 'fetch-helm.mjs');

/** The two values the README's one-command install sets. */
export const REQUIRED_SETS: Readonly<Record<string, string>> = {
  'ingressGateway.url': 'http://istio-ingressgateway.istio-system:80',
  'zipkin.endpoint': 'http://zipkin.tracing:9411',
};

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderOptions {
  /** Values files, relative to the chart directory (e.g. `ci/production-values.yaml`). */
  readonly valuesFiles?: readonly string[];
  /** `--set` pairs, applied after the files (strings with --set-string; null deletes a default). */
  readonly set?: Readonly<Record<string, string | number | boolean | null>>;
  readonly release?: string;
  readonly namespace?: string;
  readonly kubeVersion?: string;
  readonly skipSchemaValidation?: boolean;
}

export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let helmBin: string | undefined;

/** Fetches the pinned helm once (scripts/fetch-helm.mjs is idempotent and lock-protected) and returns its path. */
export function ensureHelm(): string {
  if (helmBin === undefined) {
    const out = execFileSync(process.execPath, [FETCH_SCRIPT], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    helmBin = out.trim().split(' ')[0];
  }
  return helmBin;
}

export function runHelm(args: readonly string[]): HelmResult {
  const result = spawnSync(ensureHelm(), args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      HOME: TOOLS_DIR,
      HELM_CACHE_HOME: join(TOOLS_DIR, 'cache'),
      HELM_CONFIG_HOME: join(TOOLS_DIR, 'config'),
      HELM_DATA_HOME: join(TOOLS_DIR, 'data'),
    },
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function valueArgs(options: RenderOptions): string[] {
  const args: string[] = [];
  for (const file of options.valuesFiles ?? []) args.push('--values', join(CHART_DIR, file));
  for (const [key, value] of Object.entries(options.set ?? {})) {
    args.push(typeof value === 'string' ? '--set-string' : '--set', `${key}=${value === null ? 'null' : String(value)}`);
  }
  if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
  if (options.skipSchemaValidation) args.push('--skip-schema-validation');
  args.push('--namespace', options.namespace ?? 'edge');
  return args;
}

export function templateChart(options: RenderOptions = {}): HelmResult {
  return runHelm(['template', options.release ?? 'my-proxy', CHART_DIR, ...valueArgs(options)]);
}

export function lintChart(options: RenderOptions = {}): HelmResult {
  return runHelm(['lint', '--strict', CHART_DIR, ...valueArgs(options)]);
}

/** NOTES.txt as `helm install` prints it (client-side dry run: no cluster is contacted). */
export function renderNotes(options: RenderOptions = {}): string {
  const result = runHelm(['install', options.release ?? 'my-proxy', CHART_DIR, '--dry-run=client', ...valueArgs(options)]);
  if (result.status !== 0) throw new Error(`helm install --dry-run failed:\n${result.stderr}`);
  const notes = result.stdout.indexOf('\nNOTES:\n');
  if (notes < 0) throw new Error('helm install --dry-run printed no NOTES');
  return result.stdout.slice(notes + '\nNOTES:\n'.length);
}

/** Every rendered object, parsed from the multi-document output. Throws with helm's message on failure. */
export function renderChart(options: RenderOptions = {}): KubeObject[] {
  const result = templateChart(options);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

/** helm's error output for values that must be refused; throws when the chart renders anyway. */
export function renderFailure(options: RenderOptions): string {
  const result = templateChart(options);
  if (result.status === 0) throw new Error('helm template succeeded, but these values should have been refused');
  return result.stderr;
}

export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

export function findObjects(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function findObject(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
