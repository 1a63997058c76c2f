import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, type GatewayConfig } from '@app/config';
import { REPO_ROOT, findObject, findObjects, type KubeObject } from './helm-chart';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  [field: string]: unknown;
}

/** The gateway container of the rendered Deployment. */
export function gatewayContainer(objects: readonly KubeObject[]): Container {
  const deployment = findObject(objects, 'Deployment') as KubeObject & { spec: { template: { spec: { containers: Container[] } } } };
  return deployment.spec.template.spec.containers[0];
}

export function decodeSecretValue(objects: readonly KubeObject[], name: string, key: string): string | undefined {
  const secrets = findObjects(objects, 'Secret') as (KubeObject & { data?: Record<string, string> })[];
  const encoded = secrets.find((secret) => secret.metadata.name === name)?.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * The environment the Deployment gives the gateway, with the config file written to a temp dir at the
 * path CONFIG_FILE names there. Secret references resolve from the rendered Secret, or from `externalSecrets`
 * (`<secret>/<key>` → value) for Secrets the chart does not own.
 */
export function gatewayEnvironment(
  objects: readonly KubeObject[],
  configDir: string,
  externalSecrets: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const variable of gatewayContainer(objects).env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (ref) env[variable.name] = decodeSecretValue(objects, ref.name, ref.key) ?? externalSecrets[`${ref.name}/${ref.key}`];
    else throw new Error(`env ${variable.name}: unsupported source`);
  }
  // The config ConfigMap, not the Grafana dashboard's (metrics.grafanaDashboard).
  const configMaps = findObjects(objects, 'ConfigMap') as (KubeObject & { data?: Record<string, string> })[];
  const configs = configMaps.flatMap((configMap) => configMap.data?.['config.yaml'] ?? []);
  if (configs.length !== 1) throw new Error(`expected one ConfigMap with config.yaml, found ${configs.length}`);
  const configFile = join(configDir, 'config.yaml');
  writeFileSync(configFile, configs[0]);
  return { ...env, CONFIG_FILE: configFile };
}

/** Loads the rendered config with the gateway's own loader and validator, exactly as the pod would. */
export function loadRenderedConfig(objects: readonly KubeObject[], externalSecrets: Readonly<Record<string, string>> = {}): GatewayConfig {
  const configDir = mkdtempSync(join(tmpdir(), 'external-proxy-chart-'));
  try {
    const env = gatewayEnvironment(objects, configDir, externalSecrets);
    return loadGatewayConfig({ defaultsFile: join(REPO_ROOT, 'config', 'default.yaml'), env });
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
