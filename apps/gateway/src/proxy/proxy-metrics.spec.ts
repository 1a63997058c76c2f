import { isDeepStrictEqual } from 'node:util';
import { MeterProvider, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { LocalHistogramProducer } from '@app/tracing';
import {
  clientAttributes,
  clientSeriesKey,
  ProxyMetrics,
  semconvMethod,
  serverAttributes,
  serverSeriesKey,
  type RequestOutcome,
  type UpstreamOutcome,
} from './proxy-metrics';

const UPSTREAM: UpstreamOutcome = { durationSeconds: 0.01, status: 200, serverAddress: 'istio-ingressgateway.istio-system', serverPort: 80 };

describe('proxy-metrics', () => {
  describe(semconvMethod.name, () => {
    it.each([['GET', 'GET'], ['PATCH', 'PATCH'], ['CONNECT', 'CONNECT'], ['PURGE', '_OTHER'], ['REPORT', '_OTHER'], ['get', '_OTHER']])('should record %s as %s', (method, expected) => {
      expect(semconvMethod(method)).toBe(expected);
    });
  });

  describe(serverAttributes.name, () => {
    it.each<[string, Omit<RequestOutcome, 'durationSeconds'>, object]>([
      ['a proxied 200', { method: 'GET', status: 200, route: '/api/' },
        { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/api/' }],
      ['a 404 before any route (no http.route, no error.type: 4xx is not a server error)', { method: 'GET', status: 404 },
        { 'http.request.method': 'GET', 'http.response.status_code': 404 }],
      ['an upstream 503 passed on (error.type: the status)', { method: 'POST', status: 503, route: '/api/' },
        { 'http.request.method': 'POST', 'http.response.status_code': 503, 'http.route': '/api/', 'error.type': '503' }],
      ['our 504 (error.type: the failure class)', { method: 'GET', status: 504, route: '/api/', errorType: 'timeout' },
        { 'http.request.method': 'GET', 'http.response.status_code': 504, 'http.route': '/api/', 'error.type': 'timeout' }],
      ['a client gone (no status code)', { method: 'GET', status: 0, route: '/api/', errorType: 'client_aborted' },
        { 'http.request.method': 'GET', 'http.route': '/api/', 'error.type': 'client_aborted' }],
      ['an extension method', { method: 'PURGE', status: 200, route: '/api/' },
        { 'http.request.method': '_OTHER', 'http.response.status_code': 200, 'http.route': '/api/' }],
    ])('should describe %s', (_case, outcome, expected) => {
      expect(serverAttributes({ ...outcome, durationSeconds: 0.01 })).toEqual(expected);
    });
  });

  describe(clientAttributes.name, () => {
    const base = { 'http.request.method': 'GET', 'server.address': 'istio-ingressgateway.istio-system', 'server.port': 80 };
    it.each<[string, UpstreamOutcome, object]>([
      ['a 200', UPSTREAM, { ...base, 'http.response.status_code': 200 }],
      ['a 404 (a client error for a client)', { ...UPSTREAM, status: 404 }, { ...base, 'http.response.status_code': 404, 'error.type': '404' }],
      ['a refused connection (no status)', { ...UPSTREAM, status: undefined, errorType: 'connection_refused' }, { ...base, 'error.type': 'connection_refused' }],
      ['a body cut after a 200', { ...UPSTREAM, errorType: 'connection_reset' }, { ...base, 'http.response.status_code': 200, 'error.type': 'connection_reset' }],
    ])('should describe %s', (_case, upstream, expected) => {
      expect(clientAttributes('GET', upstream)).toEqual(expected);
    });
  });

  /** Every pair of a table: equal keys exactly when the attributes are equal (the histogram's series are the attributes'). */
  function keyMismatches<T>(cases: readonly T[], keyOf: (c: T) => string, attributesOf: (c: T) => object): Array<[T, T]> {
    return cases.flatMap((a) => cases.filter((b) => (keyOf(a) === keyOf(b)) !== isDeepStrictEqual(attributesOf(a), attributesOf(b))).map((b): [T, T] => [a, b]));
  }

  describe(serverSeriesKey.name, () => {
    const outcomes: RequestOutcome[] = [
      { method: 'GET', status: 200, route: '/api/', durationSeconds: 0.01 },
      { method: 'GET', status: 200, route: '/api/', durationSeconds: 2 },
      { method: 'get', status: 200, route: '/api/', durationSeconds: 0.01 },
      { method: 'PURGE', status: 200, route: '/api/', durationSeconds: 0.01 },
      { method: 'REPORT', status: 200, route: '/api/', durationSeconds: 0.01 },
      { method: 'GET', status: 404, durationSeconds: 0.01 },
      { method: 'GET', status: 404, route: '', durationSeconds: 0.01 },
      { method: 'GET', status: 503, route: '/api/', durationSeconds: 0.01 },
      { method: 'GET', status: 503, route: '/api/', errorType: '503', durationSeconds: 0.01 },
      { method: 'GET', status: 504, route: '/api/', errorType: 'timeout', durationSeconds: 0.01 },
      { method: 'GET', status: 0, route: '/api/', errorType: 'client_aborted', durationSeconds: 0.01 },
      { method: 'GET', status: 0, route: '/api/', errorType: '-', durationSeconds: 0.01 },
      { method: 'GET', status: 0, route: '/api/-', durationSeconds: 0.01 },
      { method: 'GET', status: 0, route: '/api/1:-', errorType: 'x', durationSeconds: 0.01 },
      { method: 'GET', status: 0, route: '/api/', errorType: '1:-1:x', durationSeconds: 0.01 },
    ];

    it('should give two outcomes the same key exactly when their serverAttributes are equal', () => {
      expect(keyMismatches(outcomes, serverSeriesKey, serverAttributes)).toEqual([]);
      expect(new Set(outcomes.map(serverSeriesKey)).size).toBe(11);
    });
  });

  describe(clientSeriesKey.name, () => {
    const calls: Array<[string, UpstreamOutcome]> = [
      ['GET', UPSTREAM],
      ['GET', { ...UPSTREAM, durationSeconds: 3 }],
      ['PURGE', UPSTREAM],
      ['REPORT', UPSTREAM],
      ['GET', { ...UPSTREAM, serverPort: 8080 }],
      ['GET', { ...UPSTREAM, serverAddress: 'istio-ingressgateway.istio-system8' }],
      ['GET', { ...UPSTREAM, status: 404 }],
      ['GET', { ...UPSTREAM, status: 404, errorType: '404' }],
      ['GET', { ...UPSTREAM, status: undefined, errorType: 'connection_refused' }],
      ['GET', { ...UPSTREAM, errorType: 'connection_reset' }],
    ];

    it('should give two calls the same key exactly when their clientAttributes are equal', () => {
      expect(keyMismatches(calls, ([method, upstream]) => clientSeriesKey(method, upstream), ([method, upstream]) => clientAttributes(method, upstream))).toEqual([]);
      expect(new Set(calls.map(([method, upstream]) => clientSeriesKey(method, upstream))).size).toBe(7);
    });
  });

  describe(ProxyMetrics.name, () => {
    let histograms: LocalHistogramProducer;
    let sut: ProxyMetrics;
    beforeEach(() => {
      histograms = new LocalHistogramProducer({ name: 'external-proxy' });
      sut = new ProxyMetrics(new MeterProvider().getMeter('external-proxy'), histograms);
    });

    /** Each histogram's series: attributes and count. */
    async function series(): Promise<Record<string, Array<[object, number]>>> {
      const { resourceMetrics } = await histograms.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics as HistogramMetricData[]);
      return Object.fromEntries(metrics.map((metric) => [metric.descriptor.name, metric.dataPoints.map((point): [object, number] => [point.attributes, point.value.count])]));
    }

    describe('finished', () => {
      it('should record the server duration under serverAttributes, and the client duration when the upstream was called', async () => {
        const proxied: RequestOutcome = { method: 'GET', status: 200, route: '/api/', durationSeconds: 0.02, upstream: UPSTREAM };
        const failed: RequestOutcome = { method: 'POST', status: 504, route: '/api/', durationSeconds: 5, errorType: 'timeout', upstream: { ...UPSTREAM, status: undefined, errorType: 'timeout' } };
        const unmatched: RequestOutcome = { method: 'GET', status: 404, durationSeconds: 0.001 };
        for (const outcome of [proxied, failed, unmatched, proxied]) {
          sut.started(outcome.method);
          sut.finished(outcome);
        }
        expect(await series()).toEqual({
          'http.server.request.duration_seconds': [[serverAttributes(proxied), 2], [serverAttributes(failed), 1], [serverAttributes(unmatched), 1]],
          'http.client.request.duration_seconds': [[clientAttributes('GET', UPSTREAM), 2], [clientAttributes('POST', { ...UPSTREAM, status: undefined, errorType: 'timeout' }), 1]],
        });
      });
    });
  });
});
