import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { TAG, type ProxySpans } from '@app/tracing';
import type { AccessLog } from './access-log';
import type { ProxyMetrics } from './proxy-metrics';

/** Where a request carries its exchange: a symbol property costs the GC less than a WeakMap entry per request. */
const EXCHANGE = Symbol('proxyExchange');
type RequestWithExchange = IncomingMessage & { [EXCHANGE]?: ProxyExchange };

/** The exchange of a request in flight, for the exception filter (trace id in error bodies). */
export function exchangeOf(request: IncomingMessage): ProxyExchange | undefined {
  return (request as RequestWithExchange)[EXCHANGE];
}

/**
 * The state of one proxied request, finished exactly once when the response closes: the SERVER span ends
 * with the final status, the request is counted and logged. A response closed before it finished means
 * the client went away: the span gets an error tag and the status is recorded as 0 (aborted).
 */
export class ProxyExchange {
  route = 'unmatched';
  path: string;
  spans?: ProxySpans;
  failure?: string;
  upstreamStartedAt?: number;
  upstreamEndedAt?: number;
  upstreamStatus?: number;
  /** The upstream exchange in flight: aborted when the client goes away before the response is finished. */
  upstreamCall?: { abort(): void };
  private readonly startedAt = performance.now();

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    readonly requestId: string,
    private readonly metrics: ProxyMetrics,
    private readonly accessLog: AccessLog,
  ) {
    // Until the target is parsed: the raw path without its query, which may carry tokens.
    this.path = (request.url ?? '').split('?')[0];
    (request as RequestWithExchange)[EXCHANGE] = this;
    response.once('close', () => this.finish());
  }

  get traceId(): string | undefined {
    return this.spans?.outbound.traceId;
  }

  private finish(): void {
    const completed = this.response.writableFinished;
    const status = completed ? this.response.statusCode : 0;
    const failure = this.failure ?? (completed ? undefined : 'client aborted');
    // After the failure is taken: aborting settles the upstream call at once, with its own message.
    if (!completed) this.upstreamCall?.abort();
    const endedAt = performance.now();
    if (this.spans !== undefined) endHttpSpan(this.spans.server, status, failure);
    const upstreamSeconds = this.upstreamStartedAt === undefined ? undefined : ((this.upstreamEndedAt ?? endedAt) - this.upstreamStartedAt) / 1000;
    const method = this.request.method ?? 'GET';
    this.metrics.record({ route: this.route, method, status, durationSeconds: (endedAt - this.startedAt) / 1000, upstreamSeconds, upstreamStatus: this.upstreamStatus });
    if (!this.accessLog.enabled) return;
    this.accessLog.write({
      requestId: this.requestId,
      traceId: this.traceId,
      method,
      path: this.path,
      route: this.route,
      status,
      durationMs: Math.round((endedAt - this.startedAt) * 1000) / 1000,
      upstreamStatus: this.upstreamStatus,
      error: failure,
    });
  }
}

/** A 5xx or an abort is an error (Zipkin's `error` tag); the tag carries the reason when there is one. */
export function endHttpSpan(span: Span, status: number, failure: string | undefined): void {
  if (status > 0) span.setAttribute(TAG.httpStatusCode, String(status));
  const error = failure ?? (status >= 500 ? String(status) : undefined);
  if (error !== undefined) {
    span.setAttribute(TAG.error, error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  }
  span.end();
}
