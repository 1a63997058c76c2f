import { diag, ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTime, type InstrumentationScope } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type HistogramMetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

export interface LocalHistogramOptions {
  readonly description: string;
  readonly unit: string;
  /** Inclusive upper bounds (`le`), ascending; the last bucket (`+Inf`) is implicit. */
  readonly boundaries: readonly number[];
}

/** A cumulative explicit-bucket histogram whose series are found by a caller-made key, not by hashing attributes. */
export interface LocalHistogram {
  /**
   * Records `value` in the series of `key`. `attributesOf(source)` is called only the first time `key` is seen:
   * the caller's key must be determined by those attributes and determine them.
   */
  record<S>(key: string, value: number, attributesOf: (source: S) => Attributes, source: S): void;
}

interface Series {
  readonly attributes: Attributes;
  /** One count per boundary, then the `+Inf` bucket. */
  readonly counts: number[];
  count: number;
  /**
   * The sum up to the last collection, and the sum since: the SDK's cumulative sum adds each collection interval's
   * sum, and floating-point addition is not associative, so this keeps its bytes ((0.1 + 0.2) + 0.3 is not 0.6).
   */
  sum: number;
  intervalSum: number;
  min: number;
  max: number;
}

class CumulativeHistogram implements LocalHistogram {
  private readonly series = new Map<string, Series>();
  private readonly boundaries: readonly number[];

  constructor(
    private readonly name: string,
    private readonly options: LocalHistogramOptions,
  ) {
    this.boundaries = [...options.boundaries];
  }

  record<S>(key: string, value: number, attributesOf: (source: S) => Attributes, source: S): void {
    // As the SDK's histogram: a negative value is dropped with a warning, NaN is not counted.
    if (value < 0) {
      diag.warn(`negative value provided to histogram ${this.name}: ${value}`);
      return;
    }
    if (Number.isNaN(value)) return;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { attributes: attributesOf(source), counts: Array.from({ length: this.boundaries.length + 1 }, () => 0), count: 0, sum: 0, intervalSum: 0, min: Infinity, max: -Infinity };
      this.series.set(key, series);
    }
    const { boundaries } = this;
    let bucket = 0;
    while (bucket < boundaries.length && value > boundaries[bucket]) bucket++;
    series.counts[bucket]++;
    series.count++;
    series.intervalSum += value;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
  }

  /** A snapshot that ends the interval, series in first-seen order (as the SDK's); nothing before the first value (as the SDK). */
  toMetricData(startTime: HrTime, endTime: HrTime): HistogramMetricData | undefined {
    if (this.series.size === 0) return undefined;
    const { description, unit } = this.options;
    const { boundaries } = this;
    const dataPoints: DataPoint<Histogram>[] = [];
    for (const series of this.series.values()) {
      series.sum += series.intervalSum;
      series.intervalSum = 0;
      const { attributes, counts, count, sum, min, max } = series;
      dataPoints.push({ startTime, endTime, attributes, value: { buckets: { boundaries: [...boundaries], counts: [...counts] }, count, sum, min, max } });
    }
    return {
      descriptor: { name: this.name, description, unit, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints,
    };
  }
}

/**
 * Histograms kept outside the SDK's attribute-hashing storage, for the request path: a MetricProducer handed to
 * the metric reader, which appends these after the SDK's metrics.
 */
export class LocalHistogramProducer implements MetricProducer {
  private readonly histograms = new Map<string, CumulativeHistogram>();
  private readonly startTime = hrTime();

  /** `scope`: the meter scope the histograms are exported under (Prometheus' `otel_scope_name`). */
  constructor(private readonly scope: InstrumentationScope) {}

  /** `name` is the exported name: no View applies here. */
  histogram(name: string, options: LocalHistogramOptions): LocalHistogram {
    if (this.histograms.has(name)) throw new Error(`external-proxy: histogram ${name} is already registered`);
    const histogram = new CumulativeHistogram(name, options);
    this.histograms.set(name, histogram);
    return histogram;
  }

  collect(): Promise<CollectionResult> {
    const endTime = hrTime();
    const metrics: HistogramMetricData[] = [];
    for (const histogram of this.histograms.values()) {
      const data = histogram.toMetricData(this.startTime, endTime);
      if (data !== undefined) metrics.push(data);
    }
    // The reader exports the SDK's resource; a producer's own resource is not read.
    return Promise.resolve({ resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: this.scope, metrics }] }, errors: [] });
  }
}
