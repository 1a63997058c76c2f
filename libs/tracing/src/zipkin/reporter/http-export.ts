import { validateHeaderName, validateHeaderValue, type AgentOptions } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { PrepareFunction } from './send-result';

const gzip = promisify(gzipCallback);
/**
 * Fastest zlib level: on a 400-span JSON_V2 message it compresses 11.6× (level 6: 12.5×) in 2.1 µs per span
 * instead of 3.8: the bytes saved are not worth the CPU of a proxy that exports two spans per request.
 */
const GZIP_OPTIONS = { level: 1 };

/**
 * Idle keep-alive sockets are closed after this long, before common server idle timeouts (Node's 5 s),
 * so a send rarely picks a socket the collector is closing (ECONNRESET, a needless retry).
 */
const IDLE_SOCKET_TIMEOUT_MS = 4000;

/** Each exporter's HTTP agent: keep-alive, one socket per message in flight. */
export function exportAgentOptions(maxInFlight: number): AgentOptions {
  return { keepAlive: true, maxSockets: maxInFlight, timeout: IDLE_SOCKET_TIMEOUT_MS };
}

/** Once per message: gzips the body when configured (a failure is retryable), else passes it through. */
export function preparePayload(gzipBody: boolean): PrepareFunction {
  return async (body) => {
    if (!gzipBody) return { kind: 'ready', payload: body };
    try {
      return { kind: 'ready', payload: await gzip(body, GZIP_OPTIONS) };
    } catch (error) {
      return { kind: 'retryable', reason: `gzip failed: ${describeError(error)}` };
    }
  };
}

/**
 * The exporter's endpoint, parsed once at boot: an http or https URL. `invalid` builds the boot error; its
 * message never carries the URL (it may hold a token).
 */
export function parseExportUrl(endpointUrl: string, what: string, invalid: (message: string) => Error): URL {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw invalid(`${what} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${what} must be http or https, not ${url.protocol}`);
  return url;
}

/** Node rejects bad header names/values synchronously inside request(): fail at boot instead, never echoing a value. */
export function validateExportHeaders(headers: Readonly<Record<string, string>>, what: string, invalid: (message: string) => Error): void {
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      throw invalid(`${what} header ${JSON.stringify(name)} has an invalid name or value`);
    }
  }
}

/**
 * Node's error code (ECONNREFUSED, ECONNRESET …) says enough and carries no URL. Checked by shape, not
 * `instanceof`: errors may come from another realm (Jest's sandbox, vm contexts).
 */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'unknown error';
}
