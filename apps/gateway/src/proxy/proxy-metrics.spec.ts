import { clientAttributes, semconvMethod, serverAttributes, type RequestOutcome, type UpstreamOutcome } from './proxy-metrics';

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
});
