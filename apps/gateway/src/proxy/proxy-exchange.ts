import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { SpanStatusCode, type HrTime, type Span } from '@opentelemetry/api';
import { TAG, spanTimeAt, type ProxySpans } from '@app/tracing';
import type { UpstreamCall } from '@app/upstream-client';
import type { AccessLog } from './access-log';
import { answerFor, errorBody, errorTypeOf } from './error-answers';
import type { ProxyMetrics } from './proxy-metrics';
import type { QueuedResponses } from './queued-responses';
import { expectsContinue } from './request-head';

/** What an exchange reports to once it ends, and whether responses should ask clients to reconnect. */
export interface ExchangeSinks {
  readonly metrics: Pick<ProxyMetrics, 'started' | 'finished'>;
  readonly accessLog: Pick<AccessLog, 'enabled' | 'write'>;
  /** True while draining: every response carries `Connection: close`. */
  readonly draining: () => boolean;
  readonly queued: QueuedResponses;
  /** tracing.responseTraceIdHeader, lower-cased: the trace id on every answer once spans exist. */
  readonly traceIdHeader?: string;
}

/**
 * One request on the proxy port, from its arrival to its last byte. It alone writes the response (the
 * upstream's head and body, or our JSON error), ends both spans (CLIENT always before SERVER), records the
 * metrics and writes the access-log line, exactly once, whichever way the request ends: response finished,
 * connection closed (also while the response still waits behind a pipelined one), upstream failure, a
 * client that stopped reading, the drain deadline.
 */
export class ProxyExchange {
  /** The route's name for logs ('unmatched' until one matches). */
  route = 'unmatched';
  /** The matched route's path template (metrics' http.route) and its upstream's address (host, port, `host:port` for the log). */
  matched?: { readonly template: string; readonly serverAddress: string; readonly serverPort: number; readonly upstreamAddress: string };
  path: string;
  private spans?: ProxySpans;
  private upstreamCall?: UpstreamCall;
  private upstreamStartedAt?: number;
  private upstreamEndedAt?: number;
  private upstreamStatus?: number;
  private clientSpanOpen = false;
  private continueSent = false;
  private failure?: string;
  /** error.type of the failure that ended the request, and of the upstream call's. */
  private errorType?: string;
  private upstreamErrorType?: string;
  private finished = false;
  /** performance.now() at arrival: the SERVER span's start, the request's duration. */
  readonly arrivedAt = performance.now();
  /** The connection's byte counters at arrival: the exchange's own bytes are the difference at the end. */
  private readonly bytesReadBefore: number;
  private readonly bytesWrittenBefore: number;
  /** Stops watching the connection once this response, queued behind an earlier one, gets it. */
  private leaveQueue?: () => void;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly requestId: string,
    private readonly sinks: ExchangeSinks,
  ) {
    // Until the target is parsed: the raw path without its query, which may carry tokens.
    this.path = (request.url ?? '').split('?')[0];
    sinks.metrics.started(request.method ?? 'GET');
    this.bytesReadBefore = request.socket?.bytesRead ?? 0;
    this.bytesWrittenBefore = request.socket?.bytesWritten ?? 0;
    (response as OwnedResponse)[EXCHANGE] = this;
    response.on('close', finishOwningExchange);
    // A pipelined request's response waits for the connection until the earlier ones are done; Node emits no
    // `close` on it if the connection closes first, so the connection is watched until the response gets it.
    if (response.socket === null && request.socket !== null) {
      this.leaveQueue = sinks.queued.add(request.socket, () => this.finish());
      response.once('socket', () => this.stopWatchingQueue());
    }
  }

  get traceId(): string | undefined {
    return this.spans?.outbound.traceId;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Runs `start` once this response owns its connection: at once, or for a pipelined request once the
   * responses before it are done (requests on one connection are forwarded one at a time, as nginx does).
   * Never runs if the exchange ends first.
   */
  whenActive(start: () => void): void {
    if (this.response.socket !== null) return start();
    this.response.once('socket', () => {
      if (!this.finished) start();
    });
  }

  /** `100 Continue`: the client may send the body it announced with `Expect: 100-continue`. */
  sendContinue(): void {
    this.continueSent = true;
    this.response.writeContinue();
  }

  /** The upstream call started at `startedAt` (performance.now()) with these spans; the CLIENT span ends when it settles. */
  upstreamStarted(spans: ProxySpans, call: UpstreamCall, startedAt: number): void {
    this.spans = spans;
    this.clientSpanOpen = true;
    this.upstreamStartedAt = startedAt;
    this.upstreamCall = call;
  }

  /** The upstream answered: its status and headers go out now; its body is then written into the response. */
  respondWithUpstreamHead(status: number, headers: OutgoingHttpHeaders): ServerResponse {
    this.upstreamStatus = status;
    headers['x-request-id'] = this.requestId;
    this.addTraceIdHeader(headers);
    if (this.sinks.draining()) headers.connection = 'close';
    this.response.writeHead(status, headers);
    return this.response;
  }

  /** The upstream call settled: the whole body was handed over, or it failed (before or after the headers). */
  upstreamSettled(error: Error | undefined): void {
    this.upstreamEndedAt = performance.now();
    this.upstreamCall = undefined;
    if (error === undefined) return this.endClientSpan(undefined);
    this.failure ??= error.message;
    this.upstreamErrorType = errorTypeOf(error);
    this.endClientSpan(this.failure);
    this.fail(error);
  }

  /**
   * Our own answer to a refusal or a failure: the JSON error of the one error policy while nothing was
   * sent; once the response has started, the connection is cut (never a second status).
   */
  fail(error: unknown): void {
    if (this.finished) return;
    const answer = answerFor(error);
    if (answer === undefined || answer.status >= 500 || this.response.headersSent) this.errorType ??= errorTypeOf(error);
    if (answer === undefined || this.response.headersSent) {
      if (answer === undefined) this.failure ??= error instanceof Error ? error.message : String(error);
      // The connection, not only the response: a response still queued behind a pipelined one has none yet.
      this.request.socket?.destroy();
      return;
    }
    if (answer.status >= 500) this.failure ??= error instanceof Error ? error.message : String(error);
    const body = errorBody(answer, error, this.requestId, this.traceId);
    const headers: OutgoingHttpHeaders = {
      ...answer.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': this.requestId,
    };
    this.addTraceIdHeader(headers);
    // A client told to wait for 100 Continue that never came may still send its body: close after the answer.
    if (this.sinks.draining() || (!this.continueSent && expectsContinue(this.request.rawHeaders))) headers.connection = 'close';
    this.response.writeHead(answer.status, headers).end(body);
  }

  /** Replaces any header of that name from the upstream: the client reads our trace id, sampled or not. */
  private addTraceIdHeader(headers: OutgoingHttpHeaders): void {
    if (this.sinks.traceIdHeader !== undefined && this.spans !== undefined) headers[this.sinks.traceIdHeader] = this.spans.outbound.traceId;
  }

  private endClientSpan(failure: string | undefined): void {
    if (!this.clientSpanOpen || this.spans === undefined) return;
    this.clientSpanOpen = false;
    endHttpSpan(this.spans.client, this.upstreamStatus ?? 0, failure, spanTimeAt(this.upstreamEndedAt ?? performance.now()));
  }

  private stopWatchingQueue(): void {
    this.leaveQueue?.();
    this.leaveQueue = undefined;
  }

  /** The response closed (finished or cut): for the shared `close` listener only. */
  finishOnClose(): void {
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stopWatchingQueue();
    const completed = this.response.writableFinished;
    const status = completed ? this.response.statusCode : 0;
    if (!completed) {
      this.failure ??= 'client aborted';
      this.errorType ??= 'client_aborted';
    }
    // Aborting settles the upstream call at once (upstreamSettled records its end); the CLIENT span ends first.
    if (!completed) this.upstreamCall?.abort();
    this.endClientSpan(this.failure);
    // Read after the CLIENT span ended, from the same clock: the CLIENT span always lies within the SERVER span.
    const endedAt = performance.now();
    if (this.spans !== undefined) endHttpSpan(this.spans.server, status, this.failure, spanTimeAt(endedAt));
    this.report(status, endedAt);
  }

  private report(status: number, endedAt: number): void {
    const method = this.request.method ?? 'GET';
    const durationSeconds = (endedAt - this.arrivedAt) / 1000;
    const { matched } = this;
    const upstream = this.upstreamStartedAt === undefined || matched === undefined
      ? undefined
      : {
          durationSeconds: ((this.upstreamEndedAt ?? endedAt) - this.upstreamStartedAt) / 1000,
          status: this.upstreamStatus,
          serverAddress: matched.serverAddress,
          serverPort: matched.serverPort,
          errorType: this.upstreamErrorType ?? (this.upstreamEndedAt === undefined ? this.errorType : undefined),
        };
    this.sinks.metrics.finished({ method, status, route: matched?.template, durationSeconds, errorType: this.errorType, upstream });
    if (!this.sinks.accessLog.enabled) return;
    const socket = this.request.socket as { readonly bytesRead?: number; readonly bytesWritten?: number; readonly remoteAddress?: string } | null;
    this.sinks.accessLog.write({
      requestId: this.requestId,
      traceId: this.traceId,
      // Our SERVER span: the parent we name upstream.
      spanId: this.spans?.outbound.parentSpanId,
      clientAddress: socket?.remoteAddress,
      method,
      path: this.path,
      route: this.route,
      status,
      durationMs: Math.round(durationSeconds * 1e6) / 1000,
      bytesIn: (socket?.bytesRead ?? this.bytesReadBefore) - this.bytesReadBefore,
      bytesOut: (socket?.bytesWritten ?? this.bytesWrittenBefore) - this.bytesWrittenBefore,
      upstreamAddress: upstream === undefined ? undefined : matched?.upstreamAddress,
      upstreamStatus: this.upstreamStatus,
      error: this.failure,
    });
  }
}

/** The exchange that owns a response: its `close` listener is one shared function, not a closure per request. */
const EXCHANGE = Symbol('ProxyExchange');

type OwnedResponse = ServerResponse & { [EXCHANGE]?: ProxyExchange };

/** `close` ends the owning exchange (once: finish() runs only the first time). */
function finishOwningExchange(this: OwnedResponse): void {
  this[EXCHANGE]?.finishOnClose();
}

/** A 5xx or an abort is an error (Zipkin's `error` tag); the tag carries the reason when there is one. */
export function endHttpSpan(span: Span, status: number, failure: string | undefined, endTime: HrTime): void {
  if (status > 0) span.setAttribute(TAG.httpStatusCode, String(status));
  const error = failure ?? (status >= 500 ? String(status) : undefined);
  if (error !== undefined) {
    span.setAttribute(TAG.error, error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  }
  span.end(endTime);
}
