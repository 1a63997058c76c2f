import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Agent } from 'undici';
import { classifyUpstreamFailure } from './classify-upstream-failure';
import { ForwardingHandler, type ResponseTarget } from './forwarding-handler';
import { UPSTREAM_AGENT } from './upstream-client.tokens';
import { UPSTREAM_CLIENT_OPTIONS, type UpstreamClientOptions } from './upstream-client.options';
import { UpstreamAbortedError, type UpstreamError } from './upstream.errors';

export interface UpstreamRequest {
  /** `http://host:port` (or https) of the upstream. */
  readonly origin: string;
  /** Path and query as sent upstream. */
  readonly path: string;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  /** The request body stream; undefined when the request has none. */
  readonly body?: Readable;
  /** Time allowed until the response headers arrive. */
  readonly timeoutMs: number;
}

/** One upstream exchange in flight. */
export interface UpstreamCall {
  /** The client went away: abort the upstream request. */
  abort(): void;
}

/**
 * Called once, synchronously, when the exchange ends: no error once the whole upstream body was handed to
 * the target (before the target is ended), else an UpstreamError (typed, no status mapping here), whether
 * the failure came before the response headers or during the body.
 */
export type UpstreamSettled = (error: UpstreamError | undefined) => void;

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * Streams one request to the upstream through a keep-alive undici Agent and its answer into a writable
 * the caller provides once the headers are in.
 */
@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  constructor(
    @Inject(UPSTREAM_AGENT) private readonly agent: Agent,
    @Inject(UPSTREAM_CLIENT_OPTIONS) private readonly options: UpstreamClientOptions,
  ) {}

  forward(request: UpstreamRequest, target: ResponseTarget, onSettled: UpstreamSettled): UpstreamCall {
    let aborted = false;
    let handler: ForwardingHandler;
    const attempt = (mayRetry: boolean): void => {
      handler = new ForwardingHandler(target, (error, headersReceived) => {
        if (error === undefined) return onSettled(undefined);
        // A pooled connection the upstream closed while idle fails before any byte of answer: one retry on
        // a new connection is safe for an idempotent request without a body (RFC 9110 §9.2.2).
        if (mayRetry && !headersReceived && !aborted && request.body === undefined && IDEMPOTENT.has(request.method) && isStaleConnectionFailure(error)) {
          return attempt(false);
        }
        onSettled(classifyUpstreamFailure(error, { aborted, timeoutMs: request.timeoutMs, idleTimeoutMs: this.options.idleTimeoutMs }));
      });
      this.agent.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers as Record<string, string | string[]>,
          body: request.body ?? null,
          headersTimeout: request.timeoutMs,
          bodyTimeout: this.options.idleTimeoutMs,
        },
        handler,
      );
    };
    attempt(true);
    // A body that fails before it is on a connection (the client went away, the size limit) ends the call too.
    request.body?.once('error', (error) => handler.abort(error));
    return {
      abort: () => {
        aborted = true;
        handler.abort(new UpstreamAbortedError());
      },
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * The connection failed before any response headers arrived: undici reports a socket the peer closed as
 * UND_ERR_SOCKET. bytesRead counts the whole connection, so it cannot tell reuse apart.
 */
function isStaleConnectionFailure(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}
