import type { RouteConfig } from '@app/config';
import { compileRoutes, matchRoute, type CompiledRoute, type RouteDefaults, type RouteMatch } from './route-matcher';

const INGRESS = 'http://istio-ingressgateway.istio-system:80';
const DEFAULTS: RouteDefaults = { upstream: INGRESS, timeoutMs: 15000 };

function makeRoute(overrides: Partial<RouteConfig> = {}): RouteConfig {
  return { path: '/api', ...overrides };
}

/** A compiled route with its URL and method set as plain values, so toEqual compares them. */
interface RouteView {
  readonly label: string;
  readonly path: string;
  readonly prefix: boolean;
  readonly upstreamPath: string | undefined;
  readonly methods: string[] | undefined;
  readonly host: string | undefined;
  readonly upstream: string;
  readonly origin: string;
  readonly basePath: string;
  readonly timeoutMs: number;
}

const view = (route: CompiledRoute): RouteView => ({
  label: route.label,
  path: route.path,
  prefix: route.prefix,
  upstreamPath: route.upstreamPath,
  methods: route.methods === undefined ? undefined : [...route.methods],
  host: route.host,
  upstream: route.upstream.href,
  origin: route.origin,
  basePath: route.basePath,
  timeoutMs: route.timeoutMs,
});

function makeView(overrides: Partial<RouteView> = {}): RouteView {
  return {
    label: '/api', path: '/api', prefix: false, upstreamPath: undefined, methods: undefined, host: undefined,
    upstream: 'http://istio-ingressgateway.istio-system/', origin: 'http://istio-ingressgateway.istio-system', basePath: '', timeoutMs: 15000, ...overrides,
  };
}

type MatchView = { readonly kind: 'matched'; readonly label: string; readonly upstreamPath: string } | Exclude<RouteMatch, { kind: 'matched' }>;
const matchView = (match: RouteMatch): MatchView =>
  match.kind === 'matched' ? { kind: 'matched', label: match.route.label, upstreamPath: match.upstreamPath } : match;
const matched = (label: string, upstreamPath: string): MatchView => ({ kind: 'matched', label, upstreamPath });
const NOT_FOUND: MatchView = { kind: 'not_found' };

describe('route-matcher', () => {
  describe(compileRoutes.name, () => {
    it.each<[string, RouteConfig, RouteView]>([
      ['an exact route on the defaults', makeRoute(), makeView()],
      ['a prefix route', makeRoute({ prefix: true }), makeView({ prefix: true })],
      ['prefix: false as exact', makeRoute({ prefix: false }), makeView()],
      ['a named route labelled by its name', makeRoute({ name: 'orders' }), makeView({ label: 'orders' })],
      ['its own upstream and timeout', makeRoute({ upstream: 'https://orders.example:8443/base', timeoutMs: 500 }),
        makeView({ upstream: 'https://orders.example:8443/base', origin: 'https://orders.example:8443', basePath: '/base', timeoutMs: 500 })],
      ['an upstream base path with a trailing slash', makeRoute({ upstream: 'http://orders:8080/base/' }),
        makeView({ upstream: 'http://orders:8080/base/', origin: 'http://orders:8080', basePath: '/base' })],
      ['methods, host and upstreamPath', makeRoute({ methods: ['GET', 'HEAD'], host: 'bookinfo.example.com', upstreamPath: '/v1' }),
        makeView({ methods: ['GET', 'HEAD'], host: 'bookinfo.example.com', upstreamPath: '/v1' })],
    ])('should compile %s', (_case, route, expected) => {
      expect(compileRoutes([route], DEFAULTS).map(view)).toEqual([expected]);
    });

    it('should order longest path first, an exact route before a prefix route of the same path, else as configured', () => {
      const routes = [
        makeRoute({ name: 'root', path: '/', prefix: true }),
        makeRoute({ name: 'api-prefix', path: '/api', prefix: true }),
        makeRoute({ name: 'api-exact', path: '/api' }),
        makeRoute({ name: 'orders', path: '/api/orders', prefix: true }),
        makeRoute({ name: 'abc', path: '/abc', prefix: true }),
        makeRoute({ name: 'api-slash', path: '/api/', prefix: true }),
      ];
      expect(compileRoutes(routes, DEFAULTS).map((route) => route.label)).toEqual(['orders', 'api-slash', 'api-exact', 'api-prefix', 'abc', 'root']);
    });

    it('should take the upstream from the route when the defaults have none', () => {
      const compiled = compileRoutes([makeRoute({ upstream: 'http://orders:8080' })], { timeoutMs: 1000 });
      expect(compiled.map(view)).toEqual([makeView({ upstream: 'http://orders:8080/', origin: 'http://orders:8080', timeoutMs: 1000 })]);
    });

    it('should refuse a route when neither it nor the defaults give an upstream', () => {
      expect(() => compileRoutes([makeRoute({ path: '/orders' })], { timeoutMs: 1000 })).toThrow(new Error('route /orders has no upstream'));
    });
  });

  describe(matchRoute.name, () => {
    const match = (routes: RouteConfig[], method: string, path: string): MatchView =>
      matchView(matchRoute(compileRoutes(routes, DEFAULTS), method, path));

    const EXACT_API = makeRoute({ name: 'exact' });
    const PREFIX_API = makeRoute({ name: 'prefix', prefix: true });
    const PREFIX_API_SLASH = makeRoute({ name: 'prefix-slash', path: '/api/', prefix: true });

    it.each<[string, RouteConfig[], string, MatchView]>([
      ['exact: the path itself', [EXACT_API], '/api', matched('exact', '/api')],
      ['exact: not with a trailing slash', [EXACT_API], '/api/', NOT_FOUND],
      ['exact: not a sub-path', [EXACT_API], '/api/x', NOT_FOUND],
      ['exact: not a longer name', [EXACT_API], '/apix', NOT_FOUND],
      ['/api prefix: the path itself', [PREFIX_API], '/api', matched('prefix', '/api')],
      ['/api prefix: with a trailing slash', [PREFIX_API], '/api/', matched('prefix', '/api/')],
      ['/api prefix: a sub-path', [PREFIX_API], '/api/x/y', matched('prefix', '/api/x/y')],
      ['/api prefix: not across a segment boundary', [PREFIX_API], '/apix', NOT_FOUND],
      ['/api prefix: not a shorter path', [PREFIX_API], '/ap', NOT_FOUND],
      ['/api/ prefix: a sub-path', [PREFIX_API_SLASH], '/api/x', matched('prefix-slash', '/api/x')],
      ['/api/ prefix: the directory itself', [PREFIX_API_SLASH], '/api/', matched('prefix-slash', '/api/')],
      ['/api/ prefix: not the bare path', [PREFIX_API_SLASH], '/api', NOT_FOUND],
      ['/api/ prefix: not a longer name', [PREFIX_API_SLASH], '/apix', NOT_FOUND],
      ['/ prefix: everything', [makeRoute({ name: 'root', path: '/', prefix: true })], '/any/thing', matched('root', '/any/thing')],
      ['/ prefix: the root', [makeRoute({ name: 'root', path: '/', prefix: true })], '/', matched('root', '/')],
      ['exact /: only the root', [makeRoute({ name: 'root', path: '/' })], '/x', NOT_FOUND],
      ['the exact route over the prefix route of the same path', [PREFIX_API, EXACT_API], '/api', matched('exact', '/api')],
      ['the prefix route below the exact route', [PREFIX_API, EXACT_API], '/api/x', matched('prefix', '/api/x')],
      ['the longest prefix', [PREFIX_API, makeRoute({ name: 'orders', path: '/api/orders', prefix: true })], '/api/orders/42', matched('orders', '/api/orders/42')],
      ['a shorter prefix when the longer one stops at no boundary', [PREFIX_API, makeRoute({ name: 'orders', path: '/api/orders', prefix: true })], '/api/ordersx', matched('prefix', '/api/ordersx')],
      ['a longer exact route over a shorter prefix', [makeRoute({ name: 'root', path: '/', prefix: true }), makeRoute({ name: 'health', path: '/api/health' })], '/api/health', matched('health', '/api/health')],
      ['nothing: not found', [EXACT_API], '/other', NOT_FOUND],
      ['no routes: not found', [], '/', NOT_FOUND],
    ])('should match %s', (_case, routes, path, expected) => {
      expect(match(routes, 'GET', path)).toEqual(expected);
    });

    it.each<[string, RouteConfig[], string, string, MatchView]>([
      ['an allowed method', [makeRoute({ name: 'get', methods: ['GET'] })], 'GET', '/api', matched('get', '/api')],
      ['a route without methods allowing all', [EXACT_API], 'DELETE', '/api', matched('exact', '/api')],
      ['a refused method: 405 with the route\'s methods', [makeRoute({ methods: ['POST', 'GET'] })], 'PUT', '/api', { kind: 'method_not_allowed', allow: ['GET', 'HEAD', 'POST'] }],
      ['HEAD implied by GET (RFC 9110 §9.1)', [makeRoute({ name: 'get-only', methods: ['GET'] })], 'HEAD', '/api', matched('get-only', '/api')],
      ['HEAD not implied by POST', [makeRoute({ methods: ['POST'] })], 'HEAD', '/api', { kind: 'method_not_allowed', allow: ['POST'] }],
      ['a method matched case-sensitively', [makeRoute({ methods: ['GET'] })], 'get', '/api', { kind: 'method_not_allowed', allow: ['GET', 'HEAD'] }],
      ['the sorted union of every matching path\'s methods',
        [makeRoute({ methods: ['POST', 'GET'] }), makeRoute({ prefix: true, methods: ['PUT', 'DELETE', 'GET'] }), makeRoute({ path: '/', prefix: true, methods: ['OPTIONS'] })],
        'PATCH', '/api', { kind: 'method_not_allowed', allow: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'] }],
      ['only the methods of routes whose path matched',
        [makeRoute({ methods: ['GET'] }), makeRoute({ path: '/other', methods: ['PUT'] })], 'POST', '/api', { kind: 'method_not_allowed', allow: ['GET', 'HEAD'] }],
      ['a shorter route that allows the method',
        [makeRoute({ name: 'exact-get', path: '/api/x', methods: ['GET'] }), makeRoute({ name: 'prefix-any', prefix: true })], 'POST', '/api/x', matched('prefix-any', '/api/x')],
      ['not found rather than 405 when no path matched', [makeRoute({ methods: ['GET'] })], 'POST', '/nope', NOT_FOUND],
    ])('should answer %s', (_case, routes, method, path, expected) => {
      expect(match(routes, method, path)).toEqual(expected);
    });

    it.each<[string, RouteConfig, string, string]>([
      ['exact with upstreamPath: replaced', makeRoute({ path: '/', upstreamPath: '/productpage' }), '/', '/productpage'],
      ['exact without upstreamPath: unchanged', makeRoute({ path: '/api/v2/orders' }), '/api/v2/orders', '/api/v2/orders'],
      ['/api → /v1 for /api', makeRoute({ prefix: true, upstreamPath: '/v1' }), '/api', '/v1'],
      ['/api → /v1 for /api/', makeRoute({ prefix: true, upstreamPath: '/v1' }), '/api/', '/v1/'],
      ['/api → /v1 for /api/x/y', makeRoute({ prefix: true, upstreamPath: '/v1' }), '/api/x/y', '/v1/x/y'],
      ['/api → /v1/ for /api', makeRoute({ prefix: true, upstreamPath: '/v1/' }), '/api', '/v1/'],
      ['/api → /v1/ for /api/x', makeRoute({ prefix: true, upstreamPath: '/v1/' }), '/api/x', '/v1/x'],
      ['/api/ → /v1 for /api/x', makeRoute({ path: '/api/', prefix: true, upstreamPath: '/v1' }), '/api/x', '/v1/x'],
      ['/api/ → /v1 for /api/', makeRoute({ path: '/api/', prefix: true, upstreamPath: '/v1' }), '/api/', '/v1'],
      ['/api/ → /v1/ for /api/x', makeRoute({ path: '/api/', prefix: true, upstreamPath: '/v1/' }), '/api/x', '/v1/x'],
      ['/api/ → /v1/ for /api/', makeRoute({ path: '/api/', prefix: true, upstreamPath: '/v1/' }), '/api/', '/v1/'],
      ['/api → / for /api/x', makeRoute({ prefix: true, upstreamPath: '/' }), '/api/x', '/x'],
      ['/api → / for /api', makeRoute({ prefix: true, upstreamPath: '/' }), '/api', '/'],
      ['/ → /app for /x/y', makeRoute({ path: '/', prefix: true, upstreamPath: '/app' }), '/x/y', '/app/x/y'],
      ['/ → /app for /', makeRoute({ path: '/', prefix: true, upstreamPath: '/app' }), '/', '/app'],
      ['/ → /app/ for /x', makeRoute({ path: '/', prefix: true, upstreamPath: '/app/' }), '/x', '/app/x'],
      ['/ → / for /x', makeRoute({ path: '/', prefix: true, upstreamPath: '/' }), '/x', '/x'],
      ['/ without upstreamPath for /x', makeRoute({ path: '/', prefix: true }), '/x', '/x'],
    ])('should rewrite %s', (_case, route, path, upstreamPath) => {
      expect(match([{ ...route, name: 'r' }], 'GET', path)).toEqual(matched('r', upstreamPath));
    });

    it('should hand back the compiled route with its own upstream and timeout, else the defaults', () => {
      const compiled = compileRoutes([
        makeRoute({ name: 'own', path: '/own', upstream: 'http://orders:8080', timeoutMs: 250, host: 'orders.example' }),
        makeRoute({ name: 'default', path: '/default' }),
      ], DEFAULTS);
      const routeOf = (path: string) => {
        const result = matchRoute(compiled, 'GET', path);
        return result.kind === 'matched' ? view(result.route) : result;
      };
      expect([routeOf('/own'), routeOf('/default')]).toEqual([
        makeView({ label: 'own', path: '/own', upstream: 'http://orders:8080/', origin: 'http://orders:8080', timeoutMs: 250, host: 'orders.example' }),
        makeView({ label: 'default', path: '/default' }),
      ]);
    });
  });
});
