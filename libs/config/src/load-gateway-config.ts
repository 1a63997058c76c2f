import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import type { GatewayConfig } from './gateway-config.dto';
import { applyEnvOverrides, isPlainObject, RENAMED_ENV } from './env-overrides';
import { validateGatewayConfig } from './validate-gateway-config';

export interface LoadGatewayConfigOptions {
  /** The documented defaults, `config/default.yaml`. */
  readonly defaultsFile: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * defaults ← CONFIG_FILE (deep merge, lists replace) ← ROUTES_FILE (replaces `routes`) ← environment.
 * Throws one GatewayConfigError listing every problem, file problems included.
 */
export function loadGatewayConfig({ defaultsFile, env }: LoadGatewayConfigOptions): GatewayConfig {
  const problems: string[] = [];
  const readYamlObject = (label: string, file: string): Record<string, unknown> => {
    const result = readYaml(file);
    if (!result.ok) problems.push(`${label} (${file}): ${result.problem}`);
    else if (!isPlainObject(result.document)) problems.push(`${label} (${file}): must be a YAML mapping`);
    else return result.document;
    return {};
  };
  let tree = readYamlObject('defaults', defaultsFile);
  if (env.CONFIG_FILE) tree = deepMerge(tree, readYamlObject('CONFIG_FILE', env.CONFIG_FILE));
  if (env.ROUTES_FILE) {
    const routesDoc = readYamlObject('ROUTES_FILE', env.ROUTES_FILE);
    const extraKeys = Object.keys(routesDoc).filter((key) => key !== 'routes');
    if (extraKeys.length > 0) problems.push(`ROUTES_FILE (${env.ROUTES_FILE}): only the routes: key is allowed, found ${extraKeys.join(', ')}`);
    else if (routesDoc.routes !== undefined) tree.routes = routesDoc.routes;
    else if (problems.length === 0) problems.push(`ROUTES_FILE (${env.ROUTES_FILE}): must contain a routes: list`);
  }
  for (const [old, renamed] of Object.entries(RENAMED_ENV)) {
    if (env[old] !== undefined && env[old] !== '') problems.push(`${old}: renamed ${renamed} (the setting now applies to each exporter's queue)`);
  }
  applyEnvOverrides(tree, env);
  return validateGatewayConfig(tree, problems);
}

type YamlRead = { readonly ok: true; readonly document: unknown } | { readonly ok: false; readonly problem: string };

/** The parsed document, or a one-line reason. YAML error text is cut to its first line: the rest quotes the file, which may hold a token. */
function readYaml(file: string): YamlRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    return { ok: true, document: parse(text) ?? {} };
  } catch (error) {
    if (error instanceof YAMLParseError) return { ok: false, problem: `is not valid YAML: ${error.message.split('\n')[0]}` };
    throw error;
  }
}

export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}
