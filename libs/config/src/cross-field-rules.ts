import type { GatewayConfig } from './gateway-config.dto';
import { formatPath } from './config-path';

/**
 * Rules that span several keys. They run on the unvalidated tree too (so one message lists every
 * problem), hence the defensive reads: a key of the wrong type is reported by the DTO rules instead.
 */
export function findCrossFieldProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const zipkin: Partial<GatewayConfig['zipkin']> = config.zipkin ?? {};
  const ingressGateway: Partial<GatewayConfig['ingressGateway']> = config.ingressGateway ?? {};
  const tls: Partial<GatewayConfig['ingressGateway']['tls']> = ingressGateway.tls ?? {};
  const routes = Array.isArray(config.routes) ? config.routes.filter((route) => typeof route === 'object' && route !== null) : [];
  if (zipkin.apiVersion === 'v1' && zipkin.encoding === 'proto3') {
    problems.push(`${formatPath(['zipkin', 'encoding'])}: proto3 exists only for Zipkin v2 (use json or thrift with v1)`);
  }
  if (zipkin.apiVersion === 'v2' && zipkin.encoding === 'thrift') {
    problems.push(`${formatPath(['zipkin', 'encoding'])}: thrift exists only for Zipkin v1 (use json or proto3 with v2)`);
  }
  const spanExport: Partial<GatewayConfig['spanExport']> = config.spanExport ?? {};
  if (Number(spanExport.initialBackoffMs) > Number(spanExport.maxBackoffMs)) {
    problems.push(`${formatPath(['spanExport', 'initialBackoffMs'])}: must not exceed spanExport.maxBackoffMs`);
  }
  if (Number(spanExport.messageMaxBytes) > Number(spanExport.queuedMaxBytes)) {
    problems.push(`${formatPath(['spanExport', 'messageMaxBytes'])}: must not exceed spanExport.queuedMaxBytes`);
  }
  const exporters = (config.tracing as Partial<GatewayConfig['tracing']> | undefined)?.exporters;
  const otlp: Partial<GatewayConfig['otlp']> = config.otlp ?? {};
  if (Array.isArray(exporters) && exporters.includes('otlp') && otlp.endpoint === undefined) {
    problems.push(`${formatPath(['otlp', 'endpoint'])}: required when tracing.exporters (OTEL_TRACES_EXPORTER) lists otlp`);
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    problems.push(`${formatPath(['ingressGateway', 'tls'])}: certFile and keyFile go together`);
  }
  if (Array.isArray(config.routes) && routes.length === 0) problems.push('routes: must list at least one route');
  const sampler = (config.tracing as Partial<GatewayConfig['tracing']> | undefined)?.sampler;
  const ratioSampler = sampler === 'traceidratio' || sampler === 'parentbased_traceidratio';
  const seenPaths = new Map<string, number>();
  const seenNames = new Map<string, number>();
  routes.forEach((route, index) => {
    if (route.upstream === undefined && ingressGateway.url === undefined) {
      problems.push(`routes[${index}].upstream: required when ingressGateway.url (INGRESS_GATEWAY_URL) is not set`);
    }
    if (route.samplerArg !== undefined && sampler !== undefined && !ratioSampler) {
      problems.push(`routes[${index}].samplerArg: only the ratio samplers use it (tracing.sampler is ${String(sampler)}; use traceidratio or parentbased_traceidratio)`);
    }
    const key = `${route.prefix === true ? 'prefix' : 'exact'} ${route.path}`;
    const samePath = seenPaths.get(key);
    if (samePath !== undefined) problems.push(`routes[${index}].path: duplicates routes[${samePath}] (${key})`);
    else seenPaths.set(key, index);
    if (route.name !== undefined) {
      const sameName = seenNames.get(route.name);
      if (sameName !== undefined) problems.push(`routes[${index}].name: duplicates routes[${sameName}]`);
      else seenNames.set(route.name, index);
    }
  });
  return problems;
}
