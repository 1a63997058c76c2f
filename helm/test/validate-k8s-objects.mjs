// Validates Kubernetes objects (a JSON array on stdin) with kubernetes-models and
// @kubernetes-models/prometheus-operator; prints one JSON result per object on stdout.
// A separate Node process because both packages are ESM-only ("import" exports), which Jest's CommonJS
// runtime cannot load.
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

const MODULES = {
  v1: coreV1,
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'monitoring.coreos.com/v1': monitoringV1,
};

function validate(object) {
  const Model = MODULES[object?.apiVersion]?.[object?.kind];
  if (typeof Model !== 'function') return `no model for ${object?.apiVersion} ${object?.kind}`;
  try {
    new Model(object).validate();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = objects.map((object) => ({
  kind: object?.kind,
  name: object?.metadata?.name,
  error: validate(object),
}));
process.stdout.write(JSON.stringify(results));
