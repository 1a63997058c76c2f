import type { OutgoingHttpHeaders } from 'node:http';
import { TRACE_HEADERS } from '@app/tracing';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus the legacy ones proxies drop. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** Set by us, so never copied from the caller. */
// Expect: Node already answered 100-continue to the caller; the upstream must not wait for a second one.
const REPLACED_UPSTREAM: ReadonlySet<string> = new Set([...TRACE_HEADERS, 'expect', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id']);
const REPLACED_DOWNSTREAM: ReadonlySet<string> = new Set(['x-request-id']);

/** Whether a (lower-case) request header name is dropped before the request goes upstream. */
export type HeaderFilter = (name: string) => boolean;

/**
 * `server.dropRequestHeaders`: names, or prefixes ending in `*` (`x-envoy-*`), case-insensitive. Compiled
 * once: a set lookup and a few prefix tests per header.
 */
export function compileHeaderDropList(patterns: readonly string[]): HeaderFilter {
  const names = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    const lower = pattern.toLowerCase();
    if (lower.endsWith('*')) prefixes.push(lower.slice(0, -1));
    else names.add(lower);
  }
  return (name) => names.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
}

export interface UpstreamHeaderContext {
  /** The Host header for the upstream: the route's `host`, else the upstream URL's host. */
  readonly host: string;
  readonly clientAddress: string | undefined;
  /** The Host the client sent, for X-Forwarded-Host. */
  readonly forwardedHost: string | undefined;
  readonly requestId: string;
  /** Our trace headers for the CLIENT span (formatTraceHeaders). */
  readonly traceHeaders: Readonly<Record<string, string>>;
  /** The caller's tracestate, forwarded only when we send traceparent. */
  readonly tracestate: string | undefined;
  /** Headers the edge does not pass on (trust headers of the mesh such as `x-envoy-*`). */
  readonly drop: HeaderFilter;
}

/** Names listed in Connection are hop-by-hop for this message only. */
function connectionListed(rawHeaders: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (const value of rawHeaderValues(rawHeaders, 'connection')) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') (listed ??= new Set()).add(name);
    }
  }
  return listed;
}

const KEEP_ALL: HeaderFilter = () => false;

/** Copies raw header pairs (duplicates kept, in order) except hop-by-hop, Proxy-*, the `skip` set and `drop`. */
function copyEndToEnd(rawHeaders: readonly string[], skip: ReadonlySet<string>, drop: HeaderFilter = KEEP_ALL): OutgoingHttpHeaders {
  const listed = connectionListed(rawHeaders);
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || skip.has(name) || name.startsWith('proxy-') || listed?.has(name) || drop(name)) continue;
    const existing = headers[name];
    const value = rawHeaders[i + 1];
    headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }
  return headers;
}

/** Headers sent to the upstream: the caller's end-to-end headers, forwarding headers, request id, our trace. */
export function buildUpstreamHeaders(rawHeaders: readonly string[], context: UpstreamHeaderContext): OutgoingHttpHeaders {
  const headers = copyEndToEnd(rawHeaders, REPLACED_UPSTREAM, context.drop);
  const priorForwardedFor = forwardedFor(rawHeaders);
  headers.host = context.host;
  if (context.clientAddress !== undefined) {
    headers['x-forwarded-for'] = priorForwardedFor === undefined ? context.clientAddress : `${priorForwardedFor}, ${context.clientAddress}`;
  }
  headers['x-forwarded-proto'] = 'http';
  if (context.forwardedHost !== undefined) headers['x-forwarded-host'] = context.forwardedHost;
  headers['x-request-id'] = context.requestId;
  Object.assign(headers, context.traceHeaders);
  if (context.tracestate !== undefined && context.traceHeaders.traceparent !== undefined) headers.tracestate = context.tracestate;
  return headers;
}

/** Headers sent back to the client: the upstream's end-to-end headers (the exchange adds our request id). */
export function buildDownstreamHeaders(rawHeaders: readonly string[]): OutgoingHttpHeaders {
  return copyEndToEnd(rawHeaders, REPLACED_DOWNSTREAM);
}

function forwardedFor(rawHeaders: readonly string[]): string | undefined {
  const values = rawHeaderValues(rawHeaders, 'x-forwarded-for');
  return values.length > 0 ? values.map((value) => value.trim()).join(', ') : undefined;
}

/** Every value of one header (lower-case name), in order: rawHeaders keeps the repeats `headers` joins or drops. */
export function rawHeaderValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === name.length && rawHeaders[i].toLowerCase() === name) values.push(rawHeaders[i + 1]);
  }
  return values;
}

/** x-request-id from the caller when it is a sane token, else a new one (Envoy correlates logs with it). */
export function requestIdFrom(value: string | string[] | undefined, generate: () => string): string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,200}$/.test(value) ? value : generate();
}
