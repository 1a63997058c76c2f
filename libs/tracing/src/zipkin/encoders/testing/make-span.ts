import type { ZipkinEndpoint, ZipkinSpan } from '../../zipkin-span';

/** Fixed ids and times, so every expected wire value can be written down by hand. */
export const TRACE_ID_128 = '5af7183fb1d4cf5f6b221d5bc9e6496c';
export const TRACE_ID_64 = '6b221d5bc9e6496c';
export const PARENT_ID = 'a2fb4a1d1a96d312';
export const SPAN_ID = '352bff9a74ca9ad2';
/** 2019-04-30T06:02:52.355737Z in epoch microseconds. */
export const START_US = 1556604172355737;
export const DURATION_US = 1431;

export const GATEWAY_ENDPOINT: ZipkinEndpoint = { serviceName: 'external-proxy', ipv4: '10.1.2.3', port: 8080 };
export const CALLER_ENDPOINT: ZipkinEndpoint = { ipv4: '172.19.0.2', port: 58648 };
export const UPSTREAM_ENDPOINT: ZipkinEndpoint = { serviceName: 'orders', ipv4: '10.2.0.7', port: 443 };

/** The tags a gateway span typically carries. */
export const GATEWAY_TAGS: Readonly<Record<string, string>> = {
  'http.method': 'GET',
  'http.path': '/api/orders/42',
  'http.route': '/api/orders/{id}',
  'http.status_code': '200',
  'http.url': 'https://orders.example.com/api/orders/42?expand=lines',
};

/**
 * A gateway SERVER span (128-bit trace, caller as remote endpoint, two tags). Overrides replace
 * fields; an override of `undefined` removes the field.
 */
export function makeSpan(overrides: Partial<ZipkinSpan> = {}): ZipkinSpan {
  const span: ZipkinSpan = {
    traceId: TRACE_ID_128,
    parentId: PARENT_ID,
    id: SPAN_ID,
    name: 'get /api/orders/{id}',
    kind: 'SERVER',
    timestamp: START_US,
    duration: DURATION_US,
    localEndpoint: GATEWAY_ENDPOINT,
    remoteEndpoint: CALLER_ENDPOINT,
    tags: { 'http.method': 'GET', 'http.path': '/api/orders/42' },
    ...overrides,
  };
  return Object.fromEntries(Object.entries(span).filter(([, value]) => value !== undefined)) as unknown as ZipkinSpan;
}

/** The gateway's CLIENT span to the upstream, child of the SERVER span from makeSpan. */
export function makeClientSpan(overrides: Partial<ZipkinSpan> = {}): ZipkinSpan {
  return makeSpan({
    parentId: SPAN_ID,
    id: 'c0ffee0ddba11f00',
    kind: 'CLIENT',
    timestamp: START_US + 120,
    duration: DURATION_US - 200,
    remoteEndpoint: UPSTREAM_ENDPOINT,
    ...overrides,
  });
}
