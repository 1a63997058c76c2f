import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { KubeObject } from './helm-chart';

export interface ObjectValidation {
  readonly kind: string;
  readonly name: string;
  /** null when the object validates against its schema. */
  readonly error: string | null;
}

/** Validates objects against the Kubernetes / prometheus-operator schemas (in a child process: the models are ESM-only). */
export function validateKubernetesObjects(objects: readonly KubeObject[]): ObjectValidation[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-k8s-objects.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as ObjectValidation[];
}
