import type { RouteConfig } from '@app/config';

export interface CompiledRoute {
  /** Span names and metric labels: the configured name, else the path. */
  readonly label: string;
  readonly path: string;
  readonly prefix: boolean;
  readonly upstreamPath?: string;
  readonly methods?: ReadonlySet<string>;
  readonly host?: string;
  readonly upstream: URL;
  /** `scheme://host:port` of the upstream. */
  readonly origin: string;
  /** The upstream URL's own path, without a trailing slash ('' for `/`): prefixed to every upstream path. */
  readonly basePath: string;
  readonly timeoutMs: number;
  /** routes[].serviceName, when configured. */
  readonly serviceName?: string;
  /** The route has its own `upstream` (not ingressGateway.url). */
  readonly ownUpstream: boolean;
  /** routes[].samplerArg, when configured. */
  readonly samplerArg?: number;
}

export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: CompiledRoute; readonly upstreamPath: string }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] };

export interface RouteDefaults {
  readonly upstream?: string;
  readonly timeoutMs: number;
}

/** Routes ordered for matching: longest path first, an exact route before a prefix route of the same path. */
export function compileRoutes(routes: readonly RouteConfig[], defaults: RouteDefaults): CompiledRoute[] {
  return routes
    .map((route): CompiledRoute => {
      const upstream = route.upstream ?? defaults.upstream;
      if (upstream === undefined) throw new Error(`route ${route.path} has no upstream`);
      const upstreamUrl = new URL(upstream);
      return {
        label: route.name ?? route.path,
        path: route.path,
        prefix: route.prefix === true,
        upstreamPath: route.upstreamPath,
        methods: route.methods === undefined ? undefined : allowedMethods(route.methods),
        host: route.host,
        upstream: upstreamUrl,
        origin: upstreamUrl.origin,
        basePath: upstreamUrl.pathname === '/' ? '' : upstreamUrl.pathname.replace(/\/$/, ''),
        timeoutMs: route.timeoutMs ?? defaults.timeoutMs,
        serviceName: route.serviceName,
        ownUpstream: route.upstream !== undefined,
        samplerArg: route.samplerArg,
      };
    })
    .sort((a, b) => b.path.length - a.path.length || Number(a.prefix) - Number(b.prefix));
}

/** RFC 9110 §9.1: a resource that answers GET answers HEAD too. */
function allowedMethods(methods: readonly string[]): ReadonlySet<string> {
  return new Set(methods.includes('GET') ? [...methods, 'HEAD'] : methods);
}

/** The first (longest) route whose path and method match; 405 lists the methods of the routes whose path matched. */
export function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  let allow: Set<string> | undefined;
  for (const route of routes) {
    const remainder = matchPath(route, path);
    if (remainder === undefined) continue;
    if (route.methods === undefined || route.methods.has(method)) {
      return { kind: 'matched', route, upstreamPath: rewritePath(route, path, remainder) };
    }
    allow ??= new Set();
    route.methods.forEach((m) => allow?.add(m));
  }
  return allow === undefined ? { kind: 'not_found' } : { kind: 'method_not_allowed', allow: [...allow].sort() };
}

/**
 * What follows the route's path, or undefined when it does not match. A prefix ending in `/` matches
 * anything below it; otherwise it matches itself and its sub-paths on a segment boundary (`/api` matches
 * `/api` and `/api/x`, never `/apix`).
 */
function matchPath(route: CompiledRoute, path: string): string | undefined {
  if (!route.prefix) return path === route.path ? '' : undefined;
  if (!path.startsWith(route.path)) return undefined;
  const remainder = path.slice(route.path.length);
  return route.path.endsWith('/') || remainder === '' || remainder.startsWith('/') ? remainder : undefined;
}

function rewritePath(route: CompiledRoute, path: string, remainder: string): string {
  if (route.upstreamPath === undefined) return path;
  if (!route.prefix) return route.upstreamPath;
  // Join without doubling or losing the slash between the new prefix and the remainder.
  const base = route.upstreamPath.endsWith('/') && remainder.startsWith('/') ? route.upstreamPath.slice(0, -1) : route.upstreamPath;
  const joiner = route.path.endsWith('/') && !base.endsWith('/') && remainder !== '' ? '/' : '';
  return `${base}${joiner}${remainder}`;
}
