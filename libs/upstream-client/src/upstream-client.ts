import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { isAxiosError } from 'axios';
import type { UpstreamAgents } from './upstream-agents';
import { UPSTREAM_AGENTS } from './upstream-client.tokens';
import { UPSTREAM_CLIENT_OPTIONS, type UpstreamClientOptions } from './upstream-client.options';
import { classifyUpstreamFailure } from './classify-upstream-failure';
import { UpstreamTimeoutError } from './upstream.errors';

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
  /** Header name/value pairs as received, duplicates kept (Set-Cookie). */
  readonly rawHeaders: readonly string[];
  /** Streams the body; errors with UpstreamTimeoutError when it stalls for idleTimeoutMs. */
  readonly body: Readable;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/**
 * Streams one request to the upstream through @nestjs/axios and keep-alive agents. Failures come out
 * as typed UpstreamErrors; no status mapping happens here.
 */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Reset or closed before any response byte, on a socket reused from the keep-alive pool. */
function isStaleConnectionFailure(error: unknown): boolean {
  if (!isAxiosError(error) || error.response !== undefined) return false;
  const reused = (error.request as ClientRequest | undefined)?.reusedSocket === true;
  return reused && (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'ECONNABORTED');
}

@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  constructor(
    private readonly http: HttpService,
    @Inject(UPSTREAM_AGENTS) private readonly agents: UpstreamAgents,
    @Inject(UPSTREAM_CLIENT_OPTIONS) private readonly options: UpstreamClientOptions,
  ) {}

  async request(request: UpstreamRequest): Promise<UpstreamResponse> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout.signal]);
    try {
      try {
        return await this.send(request, signal);
      } catch (error) {
        // A pooled connection the upstream closed while idle fails before any answer: one retry on a new
        // connection is safe for an idempotent request without a body (RFC 9110 §9.2.2).
        if (!isStaleConnectionFailure(error) || request.body !== undefined || !IDEMPOTENT.has(request.method) || signal.aborted) throw error;
        return await this.send(request, signal);
      }
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      throw classifyUpstreamFailure(error, { aborted: request.signal.aborted, timedOut: timeout.signal.aborted, timeoutMs: request.timeoutMs });
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleDestroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async send(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const response = await this.http.axiosRef.request<IncomingMessage>({
      url: request.url.href,
      method: request.method,
      headers: request.headers as Record<string, string>,
      data: request.body,
      signal,
    });
    const body = response.data;
    this.watchIdleBody(body);
    return {
      status: response.status,
      headers: body.headers,
      rawHeaders: body.rawHeaders,
      body,
      remoteAddress: body.socket?.remoteAddress,
      remotePort: body.socket?.remotePort,
    };
  }

  /** A body that stalls mid-way is destroyed with a timeout error, so the client never hangs. */
  private watchIdleBody(body: IncomingMessage): void {
    const { idleTimeoutMs } = this.options;
    const timer = setTimeout(onIdle, idleTimeoutMs);
    function onIdle(): void {
      body.destroy(new UpstreamTimeoutError('response body stalled', idleTimeoutMs));
    }
    body.on('data', () => timer.refresh());
    body.once('close', () => clearTimeout(timer));
  }
}
