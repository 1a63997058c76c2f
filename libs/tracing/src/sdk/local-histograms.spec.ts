import { hrTimeToNanoseconds } from '@opentelemetry/core';
import { AggregationTemporality, DataPointType, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { ValueType, type Attributes } from '@opentelemetry/api';
import { LocalHistogramProducer, type LocalHistogramOptions } from './local-histograms';

const SCOPE = { name: 'external-proxy' };
const OPTIONS: LocalHistogramOptions = { description: 'Duration of a thing', unit: 's', boundaries: [0.005, 0.01, 1] };
const ATTRIBUTES: Attributes = { 'http.request.method': 'GET' };
const attributesOf = (attributes: Attributes): Attributes => attributes;

/** The one histogram's metric data at the producer's next collection. */
async function collected(sut: LocalHistogramProducer): Promise<HistogramMetricData[]> {
  const { resourceMetrics, errors } = await sut.collect();
  expect(errors).toEqual([]);
  return resourceMetrics.scopeMetrics.flatMap(({ metrics }) => metrics as HistogramMetricData[]);
}

describe(LocalHistogramProducer.name, () => {
  let sut: LocalHistogramProducer;
  beforeEach(() => {
    sut = new LocalHistogramProducer(SCOPE);
  });

  describe('histogram', () => {
    it.each<[string, number, number[]]>([
      ['zero in the first bucket', 0, [1, 0, 0, 0]],
      ['a value equal to a boundary in that boundary\'s bucket (le is inclusive)', 0.005, [1, 0, 0, 0]],
      ['a value just above a boundary in the next bucket', 0.0050001, [0, 1, 0, 0]],
      ['a value equal to the middle boundary', 0.01, [0, 1, 0, 0]],
      ['a value equal to the last boundary', 1, [0, 0, 1, 0]],
      ['a value above the last boundary in +Inf', 1.0001, [0, 0, 0, 1]],
      ['Infinity in +Inf', Infinity, [0, 0, 0, 1]],
    ])('should count %s', async (_case, value, counts) => {
      sut.histogram('d', OPTIONS).record('k', value, attributesOf, ATTRIBUTES);
      const [metric] = await collected(sut);
      expect(metric.dataPoints.map((point) => point.value.buckets)).toEqual([{ boundaries: [0.005, 0.01, 1], counts }]);
    });

    it('should keep count, sum, min and max of a series', async () => {
      const histogram = sut.histogram('d', OPTIONS);
      for (const value of [0.5, 0.25, 2, 0.001]) histogram.record('k', value, attributesOf, ATTRIBUTES);
      const [metric] = await collected(sut);
      expect(metric.dataPoints.map((point) => point.value)).toEqual([
        { buckets: { boundaries: [0.005, 0.01, 1], counts: [1, 0, 2, 1] }, count: 4, sum: 2.751, min: 0.001, max: 2 },
      ]);
    });

    it('should keep one series per key, with the attributes taken the first time the key is seen', async () => {
      const histogram = sut.histogram('d', OPTIONS);
      const taken: string[] = [];
      const record = (key: string, value: number): void =>
        histogram.record(key, value, (method: string) => (taken.push(method), { 'http.request.method': method }), key);
      record('GET', 0.001);
      record('POST', 2);
      record('GET', 0.5);
      const [metric] = await collected(sut);
      expect(taken).toEqual(['GET', 'POST']);
      expect(metric.dataPoints.map(({ attributes, value }) => [attributes, value.count, value.buckets.counts])).toEqual([
        [{ 'http.request.method': 'GET' }, 2, [1, 0, 1, 0]],
        [{ 'http.request.method': 'POST' }, 1, [0, 0, 0, 1]],
      ]);
    });

    it.each([['a negative value', -0.1], ['NaN', NaN]])('should drop %s, as the SDK does, without creating a series', async (_case, value) => {
      sut.histogram('d', OPTIONS).record('k', value, attributesOf, ATTRIBUTES);
      expect(await collected(sut)).toEqual([]);
    });

    it('should refuse a second histogram of the same name', () => {
      sut.histogram('d', OPTIONS);
      expect(() => sut.histogram('d', OPTIONS)).toThrow('histogram d is already registered');
    });
  });

  describe('collect', () => {
    it('should return the cumulative histograms that have values, under the scope, since the producer was created', async () => {
      sut.histogram('empty', OPTIONS);
      const histogram = sut.histogram('d', OPTIONS);
      histogram.record('k', 0.5, attributesOf, ATTRIBUTES);
      await sut.collect();
      histogram.record('k', 0.007, attributesOf, ATTRIBUTES);
      const { resourceMetrics } = await sut.collect();
      const [{ scope, metrics }] = resourceMetrics.scopeMetrics;
      const [{ startTime, endTime }] = (metrics as HistogramMetricData[])[0].dataPoints;
      expect(hrTimeToNanoseconds(endTime)).toBeGreaterThanOrEqual(hrTimeToNanoseconds(startTime));
      expect({ scope, metrics }).toEqual({
        scope: SCOPE,
        metrics: [{
          descriptor: { name: 'd', description: 'Duration of a thing', unit: 's', valueType: ValueType.DOUBLE },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: [{ startTime, endTime, attributes: ATTRIBUTES, value: { buckets: { boundaries: [0.005, 0.01, 1], counts: [0, 1, 1, 0] }, count: 2, sum: 0.507, min: 0.007, max: 0.5 } }],
        }],
      });
    });

    it('should add up each collection interval\'s sum, as the SDK does (0.1 + (0.2 + 0.3), not (0.1 + 0.2) + 0.3)', async () => {
      const histogram = sut.histogram('d', OPTIONS);
      histogram.record('k', 0.1, attributesOf, ATTRIBUTES);
      await sut.collect();
      histogram.record('k', 0.2, attributesOf, ATTRIBUTES);
      histogram.record('k', 0.3, attributesOf, ATTRIBUTES);
      const [metric] = await collected(sut);
      expect(metric.dataPoints.map((point) => point.value.sum)).toEqual([0.6]);
    });

    it('should return a snapshot that later values do not change', async () => {
      const histogram = sut.histogram('d', OPTIONS);
      histogram.record('k', 0.5, attributesOf, ATTRIBUTES);
      const [before] = await collected(sut);
      histogram.record('k', 2, attributesOf, ATTRIBUTES);
      expect(before.dataPoints[0].value).toEqual({ buckets: { boundaries: [0.005, 0.01, 1], counts: [0, 0, 1, 0] }, count: 1, sum: 0.5, min: 0.5, max: 0.5 });
    });
  });
});
