import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Agent } from 'undici';
import { classifyUpstreamFailure } from './classify-upstream-failure';
import { UPSTREAM_AGENT } from './upstream-client.tokens';
import { UPSTREAM_CLIENT_OPTIONS, type UpstreamClientOptions } from './upstream-client.options';

export interface UpstreamRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  /** The request body stream; undefined when the request has none. */
  readonly body?: Readable;
  /** Time allowed until the response headers arrive. */
  readonly timeoutMs: number;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Header name/value pairs, repeated headers (Set-Cookie) kept. */
  readonly rawHeaders: readonly string[];
  /** Streams the body; errors with a body timeout when it stalls for idleTimeoutMs. */
  readonly body: Readable;
}

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * Streams one request to the upstream through a keep-alive undici Agent. Failures come out as typed
 * UpstreamErrors; no status mapping happens here.
 */
@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  constructor(
    @Inject(UPSTREAM_AGENT) private readonly agent: Agent,
    @Inject(UPSTREAM_CLIENT_OPTIONS) private readonly options: UpstreamClientOptions,
  ) {}

  async request(request: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      try {
        return await this.send(request);
      } catch (error) {
        // A pooled connection the upstream closed while idle fails before any byte of answer: one retry on a
        // new connection is safe for an idempotent request without a body (RFC 9110 §9.2.2).
        if (!isStaleConnectionFailure(error) || request.body !== undefined || !IDEMPOTENT.has(request.method) || request.signal.aborted) throw error;
        return await this.send(request);
      }
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      throw classifyUpstreamFailure(error, { aborted: request.signal.aborted, timeoutMs: request.timeoutMs, idleTimeoutMs: this.options.idleTimeoutMs });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  private async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const response = await this.agent.request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers as Record<string, string | string[]>,
      body: request.body,
      signal: request.signal,
      headersTimeout: request.timeoutMs,
      bodyTimeout: this.options.idleTimeoutMs,
    });
    const headers = response.headers as IncomingHttpHeaders;
    return { status: response.statusCode, headers, rawHeaders: toRawHeaders(headers), body: response.body };
  }
}

/**
 * The connection failed before any response headers arrived (request() rejected): undici reports a socket
 * the peer closed as UND_ERR_SOCKET. bytesRead counts the whole connection, so it cannot tell reuse apart.
 */
function isStaleConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

function toRawHeaders(headers: IncomingHttpHeaders): string[] {
  const raw: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) for (const item of value) raw.push(name, item);
    else if (value !== undefined) raw.push(name, value);
  }
  return raw;
}
