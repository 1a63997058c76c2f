import type { Attributes, Meter } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

class PullReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** A real SDK meter whose values a test reads back exactly (cumulative sums, last gauge values). */
export class MetricProbe {
  readonly meter: Meter;
  private readonly reader = new PullReader();
  private readonly provider: MeterProvider;

  constructor() {
    this.provider = new MeterProvider({ readers: [this.reader] });
    this.meter = this.provider.getMeter('metric-probe');
  }

  /** Sum of a counter's points whose attributes include `attributes`; 0 when never recorded. */
  async sum(name: string, attributes: Attributes = {}): Promise<number> {
    const metric = await this.find(name);
    if (!metric || metric.dataPointType !== DataPointType.SUM) return 0;
    return metric.dataPoints.filter((p) => matches(p.attributes, attributes)).reduce((total, p) => total + p.value, 0);
  }

  /** A counter's sums by the value of one attribute, e.g. `{ queue_full: 3 }`. */
  async sumsBy(name: string, key: string): Promise<Record<string, number>> {
    const metric = await this.find(name);
    if (!metric || metric.dataPointType !== DataPointType.SUM) return {};
    return Object.fromEntries(metric.dataPoints.map((p) => [String(p.attributes[key]), p.value]));
  }

  async gauge(name: string): Promise<number | undefined> {
    const metric = await this.find(name);
    if (!metric || metric.dataPointType !== DataPointType.GAUGE) return undefined;
    return metric.dataPoints[0]?.value;
  }

  async histogramCount(name: string): Promise<number> {
    const metric = await this.find(name);
    if (!metric || metric.dataPointType !== DataPointType.HISTOGRAM) return 0;
    return metric.dataPoints.reduce((total, p) => total + p.value.count, 0);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }

  private async find(name: string): Promise<MetricData | undefined> {
    const { resourceMetrics } = await this.reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  }
}

function matches(actual: Attributes, wanted: Attributes): boolean {
  return Object.entries(wanted).every(([key, value]) => actual[key] === value);
}
