import { Inject, Injectable } from '@nestjs/common';
import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import { LOCAL_HISTOGRAMS, METER, type LocalHistogram, type LocalHistogramProducer } from '@app/tracing';

/**
 * OpenTelemetry HTTP semantic conventions (stable): instrument names as the spec has them (the Prometheus exporter
 * writes them with underscores), the durations with the `_seconds` unit suffix the exporter does not add itself.
 */
export const HTTP_METRIC_NAMES = {
  serverDuration: 'http.server.request.duration_seconds',
  clientDuration: 'http.client.request.duration_seconds',
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

/** Pure: the server's `error.type`: the failure's class, else for a 5xx the status code (semconv: 4xx is not a server error). */
function serverErrorType(outcome: RequestOutcome): string | undefined {
  return outcome.errorType ?? (outcome.status >= 500 ? String(outcome.status) : undefined);
}

/** Pure: the client's `error.type`: the failure's class, else the status code of a 4xx or 5xx (errors for a client). */
function clientErrorType(upstream: UpstreamOutcome): string | undefined {
  return upstream.errorType ?? (upstream.status !== undefined && upstream.status >= 400 ? String(upstream.status) : undefined);
}

/** Pure: the attributes of the server duration; `http.response.status_code` only when an answer was sent. */
export function serverAttributes(outcome: RequestOutcome): Attributes {
  const attributes: Attributes = { 'http.request.method': semconvMethod(outcome.method) };
  if (outcome.status > 0) attributes['http.response.status_code'] = outcome.status;
  if (outcome.route !== undefined) attributes['http.route'] = outcome.route;
  const errorType = serverErrorType(outcome);
  if (errorType !== undefined) attributes['error.type'] = errorType;
  return attributes;
}

/** Pure: the attributes of the client (upstream call) duration. */
export function clientAttributes(method: string, upstream: UpstreamOutcome): Attributes {
  const attributes: Attributes = {
    'http.request.method': semconvMethod(method),
    'server.address': upstream.serverAddress,
    'server.port': upstream.serverPort,
  };
  if (upstream.status !== undefined) attributes['http.response.status_code'] = upstream.status;
  const errorType = clientErrorType(upstream);
  if (errorType !== undefined) attributes['error.type'] = errorType;
  return attributes;
}

/** One attribute value as a self-delimiting key part: `-` when absent, else `<length>:<value>`. */
function keyPart(value: string | number | undefined): string {
  if (value === undefined) return '-';
  const text = String(value);
  return `${text.length}:${text}`;
}

/**
 * Pure: the series key of serverAttributes(outcome), made of the same values in a fixed order; the parts are
 * self-delimiting, so equal keys mean equal attributes (the histogram's cardinality is the attributes').
 */
export function serverSeriesKey(outcome: RequestOutcome): string {
  return keyPart(semconvMethod(outcome.method)) + keyPart(outcome.status > 0 ? outcome.status : undefined) + keyPart(outcome.route) + keyPart(serverErrorType(outcome));
}

/** Pure: the series key of clientAttributes(method, upstream), as serverSeriesKey. */
export function clientSeriesKey(method: string, upstream: UpstreamOutcome): string {
  return keyPart(semconvMethod(method)) + keyPart(upstream.serverAddress) + keyPart(upstream.serverPort) + keyPart(upstream.status) + keyPart(clientErrorType(upstream));
}

/** A finished request that called the upstream. */
type UpstreamCall = RequestOutcome & { readonly upstream: UpstreamOutcome };

const calledUpstream = (outcome: RequestOutcome): outcome is UpstreamCall => outcome.upstream !== undefined;

const upstreamCallAttributes = (call: UpstreamCall): Attributes => clientAttributes(call.method, call.upstream);

/**
 * Request and upstream-call durations and in-flight requests, by the HTTP semantic conventions. The durations are
 * local histograms: a series is found by its key, its attributes are built once.
 */
@Injectable()
export class ProxyMetrics {
  private readonly serverDuration: LocalHistogram;
  private readonly clientDuration: LocalHistogram;
  /** In-flight requests per (semconv) method, plain numbers read at collection. */
  private readonly active = new Map<string, number>();

  constructor(@Inject(METER) meter: Meter, @Inject(LOCAL_HISTOGRAMS) histograms: LocalHistogramProducer) {
    this.serverDuration = histograms.histogram(HTTP_METRIC_NAMES.serverDuration, { description: 'Duration of HTTP server requests (arrival to the end of the response)', unit: 's', boundaries: HTTP_DURATION_BUCKETS });
    this.clientDuration = histograms.histogram(HTTP_METRIC_NAMES.clientDuration, { description: 'Duration of HTTP client requests to the upstream (call to the end of its body)', unit: 's', boundaries: HTTP_DURATION_BUCKETS });
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
    this.serverDuration.record(serverSeriesKey(outcome), outcome.durationSeconds, serverAttributes, outcome);
    if (calledUpstream(outcome)) this.clientDuration.record(clientSeriesKey(outcome.method, outcome.upstream), outcome.upstream.durationSeconds, upstreamCallAttributes, outcome);
  }
}
