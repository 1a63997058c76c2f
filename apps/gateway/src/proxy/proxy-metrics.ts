import { Inject, Injectable } from '@nestjs/common';
import type { Attributes, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import { METER } from '@app/tracing';

/**
 * OpenTelemetry HTTP semantic conventions (stable): instrument names as the spec has them; the Prometheus
 * exporter writes them with underscores, and a View in start-telemetry adds the `_seconds` unit suffix.
 */
export const HTTP_METRIC_NAMES = {
  serverDuration: 'http.server.request.duration',
  clientDuration: 'http.client.request.duration',
  activeRequests: 'http.server.active_requests',
} as const;

/** The semconv's advised buckets for HTTP durations, in seconds. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The methods semconv names; any other is recorded as `_OTHER`, so clients cannot create label values. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export function semconvMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

export interface UpstreamOutcome {
  readonly durationSeconds: number;
  /** Absent when no answer came. */
  readonly status?: number;
  readonly serverAddress: string;
  readonly serverPort: number;
  /** The failure's class (UpstreamError.errorType); absent when the call succeeded. */
  readonly errorType?: string;
}

export interface RequestOutcome {
  readonly method: string;
  /** 0 when no answer was sent (the client went away, or the connection was cut). */
  readonly status: number;
  /** The matched route's path template; absent for requests no route matched. */
  readonly route?: string;
  readonly durationSeconds: number;
  readonly errorType?: string;
  /** Absent when the upstream was never called. */
  readonly upstream?: UpstreamOutcome;
}

/**
 * Pure: the attributes of the server duration. `error.type` on failures: the failure's class, else for a
 * 5xx the status code (semconv: 4xx is not a server error).
 */
export function serverAttributes(outcome: RequestOutcome): Attributes {
  const attributes: Attributes = { 'http.request.method': semconvMethod(outcome.method) };
  if (outcome.status > 0) attributes['http.response.status_code'] = outcome.status;
  if (outcome.route !== undefined) attributes['http.route'] = outcome.route;
  const errorType = outcome.errorType ?? (outcome.status >= 500 ? String(outcome.status) : undefined);
  if (errorType !== undefined) attributes['error.type'] = errorType;
  return attributes;
}

/** Pure: the attributes of the client (upstream call) duration; for a client, 4xx and 5xx answers are errors. */
export function clientAttributes(method: string, upstream: UpstreamOutcome): Attributes {
  const attributes: Attributes = {
    'http.request.method': semconvMethod(method),
    'server.address': upstream.serverAddress,
    'server.port': upstream.serverPort,
  };
  if (upstream.status !== undefined) attributes['http.response.status_code'] = upstream.status;
  const errorType = upstream.errorType ?? (upstream.status !== undefined && upstream.status >= 400 ? String(upstream.status) : undefined);
  if (errorType !== undefined) attributes['error.type'] = errorType;
  return attributes;
}

/** Request and upstream-call durations and in-flight requests, by the HTTP semantic conventions. */
@Injectable()
export class ProxyMetrics {
  private readonly serverDuration: Histogram;
  private readonly clientDuration: Histogram;
  /** In-flight requests per (semconv) method, plain numbers read at collection. */
  private readonly active = new Map<string, number>();

  constructor(@Inject(METER) meter: Meter) {
    const advice = { explicitBucketBoundaries: HTTP_DURATION_BUCKETS };
    this.serverDuration = meter.createHistogram(HTTP_METRIC_NAMES.serverDuration, { description: 'Duration of HTTP server requests (arrival to the end of the response)', unit: 's', advice });
    this.clientDuration = meter.createHistogram(HTTP_METRIC_NAMES.clientDuration, { description: 'Duration of HTTP client requests to the upstream (call to the end of its body)', unit: 's', advice });
    meter
      .createObservableGauge(HTTP_METRIC_NAMES.activeRequests, { description: 'Number of active HTTP server requests', unit: '{request}' })
      .addCallback((result: ObservableResult) => {
        for (const [method, count] of this.active) result.observe(count, { 'http.request.method': method });
      });
  }

  /** A request arrived; `finished` with the same method once it ended. */
  started(method: string): void {
    const key = semconvMethod(method);
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
  }

  finished(outcome: RequestOutcome): void {
    const key = semconvMethod(outcome.method);
    this.active.set(key, (this.active.get(key) ?? 1) - 1);
    this.serverDuration.record(outcome.durationSeconds, serverAttributes(outcome));
    if (outcome.upstream !== undefined) this.clientDuration.record(outcome.upstream.durationSeconds, clientAttributes(outcome.method, outcome.upstream));
  }
}
