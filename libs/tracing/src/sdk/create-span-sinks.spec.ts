import { resolve } from 'node:path';
import { loadGatewayConfig } from '@app/config';
import { SpanReporter } from '../zipkin/reporter/span-reporter';
import { CapturingLogger } from '../zipkin/reporter/testing/capturing-logger';
import { MetricProbe } from '../zipkin/reporter/testing/metric-probe';
import { BufferedLineWriter } from '../output/buffered-line-writer';
import { ZipkinMappingSink } from '../zipkin/zipkin-mapping-sink';
import { createSpanSinks } from './create-span-sinks';

const DEFAULTS_FILE = resolve(__dirname, '../../../../config/default.yaml');

describe(createSpanSinks.name, () => {
  it.each<[string, NodeJS.ProcessEnv, string[]]>([
    ['Zipkin alone (stdout without an endpoint)', {}, [ZipkinMappingSink.name]],
    ['OTLP alone', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, [SpanReporter.name]],
    ['both, in the listed order', { OTEL_TRACES_EXPORTER: 'otlp,zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, [SpanReporter.name, ZipkinMappingSink.name]],
  ])('should make one sink per listed exporter: %s', async (_case, env, expected) => {
    const probe = new MetricProbe();
    const config = loadGatewayConfig({ defaultsFile: DEFAULTS_FILE, env: { INGRESS_GATEWAY_URL: 'http://127.0.0.1:1', ...env } });
    const logger = new CapturingLogger();
    const sinks = createSpanSinks(config, probe.meter, new BufferedLineWriter(process.stdout), () => logger);
    try {
      expect(sinks.map((sink) => sink.constructor.name)).toEqual(expected);
    } finally {
      await Promise.all(sinks.map((sink) => sink.close()));
      await probe.shutdown();
    }
  });
});
