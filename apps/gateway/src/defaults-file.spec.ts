import type { GatewayConfig } from '@app/config';
import { exporterMode } from './defaults-file';

type Exporting = Pick<GatewayConfig, 'zipkin' | 'otlp' | 'tracing'>;
const make = (exporters: string[], zipkinEndpoint?: string): Exporting =>
  ({
    tracing: { exporters },
    zipkin: { endpoint: zipkinEndpoint, apiVersion: 'v1', encoding: 'thrift' },
    otlp: { protocol: 'http/json' },
  }) as unknown as Exporting;

describe(exporterMode.name, () => {
  it.each<[string, Exporting, string]>([
    ['zipkin without an endpoint: stdout', make(['zipkin']), 'stdout'],
    ['zipkin with its version and encoding', make(['zipkin'], 'http://zipkin:9411'), 'zipkin-v1-thrift'],
    ['otlp with its protocol', make(['otlp']), 'otlp-http/json'],
    ['both, in the configured order', make(['zipkin', 'otlp'], 'http://zipkin:9411'), 'zipkin-v1-thrift,otlp-http/json'],
  ])('should name %s', (_case, config, expected) => {
    expect(exporterMode(config)).toBe(expected);
  });
});
