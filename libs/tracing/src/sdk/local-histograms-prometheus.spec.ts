import type { Attributes } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { LocalHistogramProducer } from './local-histograms';
import { TRACER_NAME } from './start-telemetry';

/** The gateway's HTTP duration buckets (apps' HTTP_DURATION_BUCKETS; a lib does not import an app). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Both histograms as the gateway had them in the SDK: semconv names, `_seconds` added by a View. */
const HISTOGRAMS = [
  { instrument: 'http.server.request.duration', exported: 'http.server.request.duration_seconds', description: 'Duration of HTTP server requests (arrival to the end of the response)' },
  { instrument: 'http.client.request.duration', exported: 'http.client.request.duration_seconds', description: 'Duration of HTTP client requests to the upstream (call to the end of its body)' },
] as const;

type Observation = readonly [histogram: 0 | 1, attributes: Attributes, value: number];

const GET_200 = { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/api/' };
const POST_503 = { 'http.request.method': 'POST', 'http.response.status_code': 503, 'http.route': '/api/', 'error.type': '503' };
const POST_200 = { ...GET_200, 'http.request.method': 'POST' };
const GONE = { 'http.request.method': 'GET', 'http.route': '/a "quoted"\\path\n', 'error.type': 'client_aborted' };
const CLIENT_200 = { 'http.request.method': 'GET', 'server.address': 'istio-ingressgateway.istio-system', 'server.port': 80, 'http.response.status_code': 200 };
const CLIENT_404 = { ...CLIENT_200, 'http.response.status_code': 404, 'error.type': '404' };

/** Values at, just around and beyond the boundaries, zero, and series seen again after others. */
const FIRST: Observation[] = [
  [0, GET_200, 0.005], [0, GET_200, 0.0051], [0, POST_503, 10], [0, GET_200, 0], [1, CLIENT_404, 0.1],
  [0, GONE, 12.5], [0, POST_503, 0.75], [1, CLIENT_404, 0.0999], [0, GET_200, 2.5], [0, POST_200, 0.1],
];
/**
 * After a scrape: cumulative values, a new series, one attribute set written in another key order, and sums whose
 * bytes depend on the scrape (the SDK adds each interval's sum: 0.1 + (0.2 + 0.3) is 0.6, (0.1 + 0.2) + 0.3 is not).
 */
const SECOND: Observation[] = [
  [0, POST_200, 0.2], [0, POST_200, 0.3], [0, GET_200, 1], [1, CLIENT_200, 0.3],
  [0, { 'http.route': '/api/', 'http.response.status_code': 200, 'http.request.method': 'GET' }, 0.02],
];

const resource = resourceFromAttributes({ 'service.name': 'external-proxy' });

/** What the scrape endpoint serves: the exporter's collection, serialized as PrometheusExporter does. */
async function scrape(exporter: PrometheusExporter): Promise<string> {
  const { resourceMetrics, errors } = await exporter.collect();
  expect(errors).toEqual([]);
  return new PrometheusSerializer().serialize(resourceMetrics);
}

/** The gateway before: SDK histograms on the meter, renamed by Views. */
function sdkPipeline(): { exporter: PrometheusExporter; record: (observation: Observation) => void } {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const views = HISTOGRAMS.map(({ instrument, exported }) => ({ instrumentName: instrument, name: exported }));
  const meter = new MeterProvider({ resource, readers: [exporter], views }).getMeter(TRACER_NAME);
  const histograms = HISTOGRAMS.map(({ instrument, description }) => meter.createHistogram(instrument, { description, unit: 's', advice: { explicitBucketBoundaries: BUCKETS } }));
  return { exporter, record: ([histogram, attributes, value]) => histograms[histogram].record(value, attributes) };
}

/** The gateway now: local histograms through a producer on the same exporter (its MeterProvider has no instrument). */
function localPipeline(): { exporter: PrometheusExporter; record: (observation: Observation) => void } {
  const producer = new LocalHistogramProducer({ name: TRACER_NAME });
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [producer] });
  new MeterProvider({ resource, readers: [exporter] });
  const histograms = HISTOGRAMS.map(({ exported, description }) => producer.histogram(exported, { description, unit: 's', boundaries: BUCKETS }));
  // A key determined by the attribute set and determining it, whatever the key order (as the SDK's attribute hash).
  const keyOf = (attributes: Attributes): string => JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
  return { exporter, record: ([histogram, attributes, value]) => histograms[histogram].record(keyOf(attributes), value, (first: Attributes) => first, attributes) };
}

describe(`${LocalHistogramProducer.name} through ${PrometheusExporter.name}`, () => {
  it('should serve the same bytes as the SDK histograms, before any value and at each scrape', async () => {
    const [sdk, local] = [sdkPipeline(), localPipeline()];
    const scrapes: Array<[string, string]> = [[await scrape(sdk.exporter), await scrape(local.exporter)]];
    for (const observations of [FIRST, SECOND]) {
      for (const observation of observations) {
        sdk.record(observation);
        local.record(observation);
      }
      scrapes.push([await scrape(sdk.exporter), await scrape(local.exporter)]);
    }
    for (const [expected, actual] of scrapes) expect(actual).toBe(expected);
  });

  it('should serve the names, metadata, labels and buckets the gateway always served', async () => {
    const local = localPipeline();
    local.record([0, GET_200, 0.005]);
    const lines = (await scrape(local.exporter)).split('\n');
    const labels = 'http_request_method="GET",http_response_status_code="200",http_route="/api/",otel_scope_name="external-proxy"';
    expect(lines.filter((line) => line.includes('http_server_request_duration_seconds'))).toEqual([
      '# HELP http_server_request_duration_seconds Duration of HTTP server requests (arrival to the end of the response)',
      '# UNIT http_server_request_duration_seconds s',
      '# TYPE http_server_request_duration_seconds histogram',
      `http_server_request_duration_seconds_count{${labels}} 1`,
      `http_server_request_duration_seconds_sum{${labels}} 0.005`,
      ...BUCKETS.map((le) => `http_server_request_duration_seconds_bucket{${labels},le="${le}"} 1`),
      `http_server_request_duration_seconds_bucket{${labels},le="+Inf"} 1`,
    ]);
  });
});
