import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Agent } from 'undici';
import { classifyUpstreamFailure } from './classify-upstream-failure';
import { ForwardingHandler, type ResponseTarget } from './forwarding-handler';
import { PoolWaits } from './pool-waits';
import { UPSTREAM_AGENT } from './upstream-client.tokens';
import { UPSTREAM_CLIENT_OPTIONS, type UpstreamClientOptions } from './upstream-client.options';
import { UpstreamAbortedError, UpstreamTimeoutError, type UpstreamError } from './upstream.errors';

export interface UpstreamRequest {
  /** `http://host:port` (or https) of the upstream. */
  readonly origin: string;
  /** Path and query as sent upstream. */
  readonly path: string;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  /** The request body stream; undefined when the request has none. */
  readonly body?: Readable;
  /** Time allowed until the response headers arrive, retry included. */
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
  /** Requests waiting for a pooled connection: readiness reads how long the oldest has waited. */
  readonly poolWaits = new PoolWaits();
  /** Connections the agent has opened so far: tells a reused connection from a new one. */
  private connectionsOpened = 0;

  constructor(
    @Inject(UPSTREAM_AGENT) private readonly agent: Agent,
    @Inject(UPSTREAM_CLIENT_OPTIONS) private readonly options: UpstreamClientOptions,
  ) {
    agent.on('connect', () => {
      this.connectionsOpened += 1;
    });
  }

  forward(request: UpstreamRequest, target: ResponseTarget, onSettled: UpstreamSettled): UpstreamCall {
    const deadline = performance.now() + request.timeoutMs;
    let aborted = false;
    let handler: ForwardingHandler;
    // Our own timer, not undici's headersTimeout: that one starts only once the request is on a connection
    // and fires up to ~0.5 s late (coarse timers); this one covers the pool wait and a retry, to the ms.
    const headersDeadline = setTimeout(() => handler.abort(new UpstreamTimeoutError('no response headers', request.timeoutMs)), request.timeoutMs);
    const attempt = (mayRetry: boolean): void => {
      const wait = this.poolWaits.start();
      const openedBefore = this.connectionsOpened;
      let reused = false;
      handler = new ForwardingHandler(
        target,
        (error, headersReceived) => {
          this.poolWaits.end(wait);
          // RFC 9110 §9.2.2: an idempotent request without a body may be retried when a pooled connection the
          // upstream closed while idle failed it before any byte of answer: once, on a new connection, within
          // what is left of the route's deadline (the same timer runs on).
          if (error !== undefined && mayRetry && reused && !headersReceived && !aborted && request.body === undefined && IDEMPOTENT.has(request.method) && isStaleConnectionFailure(error) && performance.now() < deadline) {
            return attempt(false);
          }
          clearTimeout(headersDeadline);
          onSettled(error === undefined ? undefined : classifyUpstreamFailure(error, { aborted, timeoutMs: request.timeoutMs, idleTimeoutMs: this.options.idleTimeoutMs }));
        },
        {
          stallTimeoutMs: this.options.idleTimeoutMs,
          onHeaders: () => clearTimeout(headersDeadline),
          onConnection: () => {
            this.poolWaits.end(wait);
            // No connection opened while this request waited: it went out on one the pool already had.
            reused = this.connectionsOpened === openedBefore;
          },
        },
      );
      this.agent.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers as Record<string, string | string[]>,
          body: request.body ?? null,
          headersTimeout: 0,
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
 * UND_ERR_SOCKET.
 */
function isStaleConnectionFailure(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}
