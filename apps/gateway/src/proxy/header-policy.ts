import type { OutgoingHttpHeaders } from 'node:http';
import { TRACE_HEADERS } from '@app/tracing';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus the legacy ones proxies drop. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** Set by us, so never copied from the caller. */
// Expect: Node already answered 100-continue to the caller; the upstream must not wait for a second one.
const REPLACED_UPSTREAM: readonly string[] = [...TRACE_HEADERS, 'expect', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id'];
const REPLACED_DOWNSTREAM: readonly string[] = ['x-request-id'];

/** Every name never copied in one direction, hop-by-hop included. */
const SKIPPED_UPSTREAM: ReadonlySet<string> = new Set([...HOP_BY_HOP, ...REPLACED_UPSTREAM]);
const SKIPPED_DOWNSTREAM: ReadonlySet<string> = new Set([...HOP_BY_HOP, ...REPLACED_DOWNSTREAM]);

/**
 * Names common enough to be looked up rather than lower-cased. Node's parser hands over new strings, and V8
 * looks a new string up in its string table each time it is used as a property key: lower-casing made one
 * more new string per header, looked up by the set, the result's read and its write. A lookup here yields one
 * of these interned literals instead.
 */
const COMMON_NAMES: readonly string[] = [
  'accept', 'accept-encoding', 'accept-language', 'accept-ranges', 'access-control-allow-origin', 'age', 'authorization', 'cache-control',
  'content-disposition', 'content-encoding', 'content-language', 'content-length', 'content-type', 'cookie', 'date', 'dnt', 'etag', 'expires',
  'forwarded', 'if-match', 'if-modified-since', 'if-none-match', 'last-modified', 'location', 'origin', 'pragma', 'priority', 'range', 'referer',
  'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-user', 'server',
  'set-cookie', 'strict-transport-security', 'upgrade-insecure-requests', 'user-agent', 'vary', 'via', 'www-authenticate',
  'x-content-type-options', 'x-envoy-upstream-service-time', 'x-frame-options', 'x-requested-with',
];

/** The value of a raw name whose direction never copies it (hop-by-hop, replaced, Proxy-*). */
const NOT_COPIED = '';

/** Raw name, as sent in lower case or Title-Case, → the name one direction copies it under, or NOT_COPIED. */
function compileNameTable(skip: ReadonlySet<string>): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const name of [...COMMON_NAMES, ...skip]) {
    const copiedAs = skip.has(name) || name.startsWith('proxy-') ? NOT_COPIED : name;
    table.set(name, copiedAs).set(name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase()), copiedAs);
  }
  return table;
}

interface CopyPolicy {
  readonly skip: ReadonlySet<string>;
  readonly names: ReadonlyMap<string, string>;
}

const UPSTREAM: CopyPolicy = { skip: SKIPPED_UPSTREAM, names: compileNameTable(SKIPPED_UPSTREAM) };
const DOWNSTREAM: CopyPolicy = { skip: SKIPPED_DOWNSTREAM, names: compileNameTable(SKIPPED_DOWNSTREAM) };

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
  return (name) => {
    if (names.has(name)) return true;
    for (const prefix of prefixes) if (name.startsWith(prefix)) return true;
    return false;
  };
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

const CONNECTION = 'connection';
const X_FORWARDED_FOR = 'x-forwarded-for';

/** Which of the two headers that change how the others are copied a message has: most have neither. */
const HAS_CONNECTION = 1;
const HAS_FORWARDED_FOR = 2;

/** Bit 0x20 set turns an ASCII capital into its small letter. */
const ASCII_LOWER = 0x20;

/**
 * Compares length and first letter before lower-casing, so the common message (User-Agent and Set-Cookie
 * share Connection's length, Accept-Encoding X-Forwarded-For's) is scanned without allocating. A Connection
 * header that names only one header `skip` drops anyway (the usual `keep-alive`) changes nothing: not flagged.
 */
function scanSpecialHeaders(rawHeaders: readonly string[], skip: ReadonlySet<string>): number {
  let found = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === CONNECTION.length) {
      if ((name.charCodeAt(0) | ASCII_LOWER) === 0x63 /* c */ && name.toLowerCase() === CONNECTION && !skip.has(rawHeaders[i + 1].toLowerCase())) found |= HAS_CONNECTION;
    } else if (name.length === X_FORWARDED_FOR.length) {
      if ((name.charCodeAt(0) | ASCII_LOWER) === 0x78 /* x */ && name.toLowerCase() === X_FORWARDED_FOR) found |= HAS_FORWARDED_FOR;
    }
  }
  return found;
}

/**
 * Names listed in Connection are hop-by-hop for this message only. Names `skip` drops anyway (`keep-alive`,
 * `upgrade`) are left out, so the usual `Connection: keep-alive` builds no set.
 */
function connectionListed(rawHeaders: readonly string[], skip: ReadonlySet<string>): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (const value of rawHeaderValues(rawHeaders, CONNECTION)) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && !skip.has(name)) (listed ??= new Set()).add(name);
    }
  }
  return listed;
}

/**
 * Copies raw header pairs (duplicates kept, in order) except `skip` (hop-by-hop included), Proxy-*,
 * Connection-listed names and `drop`. Keys are inserted in order of first appearance: Node writes them so.
 */
function copyEndToEnd(rawHeaders: readonly string[], policy: CopyPolicy, found: number, drop?: HeaderFilter): OutgoingHttpHeaders {
  const listed = (found & HAS_CONNECTION) === 0 ? undefined : connectionListed(rawHeaders, policy.skip);
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    let name = policy.names.get(rawHeaders[i]);
    if (name === undefined) {
      name = rawHeaders[i].toLowerCase();
      if (policy.skip.has(name) || name.startsWith('proxy-')) continue;
    } else if (name === NOT_COPIED) continue;
    if ((listed !== undefined && listed.has(name)) || (drop !== undefined && drop(name))) continue;
    const existing = headers[name];
    const value = rawHeaders[i + 1];
    // `constructor`, `toString`…: a name the object inherits is not a header already copied.
    if (existing === undefined || !Object.hasOwn(headers, name)) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [String(existing), value];
  }
  return headers;
}

/** Headers sent to the upstream: the caller's end-to-end headers, forwarding headers, request id, our trace. */
export function buildUpstreamHeaders(rawHeaders: readonly string[], context: UpstreamHeaderContext): OutgoingHttpHeaders {
  const found = scanSpecialHeaders(rawHeaders, UPSTREAM.skip);
  const headers = copyEndToEnd(rawHeaders, UPSTREAM, found, context.drop);
  headers.host = context.host;
  if (context.clientAddress !== undefined) {
    headers[X_FORWARDED_FOR] = (found & HAS_FORWARDED_FOR) === 0 ? context.clientAddress : `${forwardedFor(rawHeaders)}, ${context.clientAddress}`;
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
  return copyEndToEnd(rawHeaders, DOWNSTREAM, scanSpecialHeaders(rawHeaders, DOWNSTREAM.skip));
}

/** The caller's X-Forwarded-For chain, its repeats joined in order; only called when there is one. */
function forwardedFor(rawHeaders: readonly string[]): string {
  return rawHeaderValues(rawHeaders, X_FORWARDED_FOR).map((value) => value.trim()).join(', ');
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
