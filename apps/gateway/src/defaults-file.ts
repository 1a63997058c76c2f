import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GatewayConfig } from '@app/config';

/** `config/default.yaml` of the installation: the nearest one above the running file (source or dist). */
export function findDefaultsFile(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'config', 'default.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(process.cwd(), 'config', 'default.yaml');
  }
}

/** The installation's version: `version` of the nearest package.json above the running file. */
export function gatewayVersion(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (!existsSync(candidate)) continue;
    const { version } = JSON.parse(readFileSync(candidate, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  }
  return 'unknown';
}

/** Pure: where spans go, for gateway_build_info: each listed exporter (`zipkin-v2-json`, `otlp-http/protobuf`, `stdout`), comma-separated. */
export function exporterMode(config: Pick<GatewayConfig, 'zipkin' | 'otlp' | 'tracing'>): string {
  return config.tracing.exporters
    .map((exporter) => {
      if (exporter === 'otlp') return `otlp-${config.otlp.protocol}`;
      return config.zipkin.endpoint === undefined ? 'stdout' : `zipkin-${config.zipkin.apiVersion}-${config.zipkin.encoding}`;
    })
    .join(',');
}
