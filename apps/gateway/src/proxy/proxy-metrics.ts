import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from '@opentelemetry/api';
import { MetricService } from 'nestjs-otel';

/** Seconds buckets from 1 ms to 30 s: a proxy's latencies sit at the low end, timeouts at the top. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface RequestOutcome {
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly durationSeconds: number;
  /** Absent when the upstream was never called. */
  readonly upstreamSeconds?: number;
  readonly upstreamStatus?: number;
}

/** `2xx` … `5xx`; 0 (the client went away before an answer) is `aborted`. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'aborted';
}

/** Request count and latency by route, method and status class; upstream latency by route and status class. */
@Injectable()
export class ProxyMetrics {
  private readonly requests: Counter;
  private readonly requestDuration: Histogram;
  private readonly upstreamDuration: Histogram;

  constructor(metricService: MetricService) {
    this.requests = metricService.getCounter('gateway_requests', { description: 'Proxied requests, by route, method and status class' });
    this.requestDuration = metricService.getHistogram('gateway_request_duration_seconds', {
      description: 'Time from request to the end of the response, by route, method and status class',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    });
    this.upstreamDuration = metricService.getHistogram('gateway_upstream_duration_seconds', {
      description: 'Upstream call time (connect to end of response body), by route and status class',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    });
  }

  record(outcome: RequestOutcome): void {
    const labels = { route: outcome.route, method: outcome.method, status_class: statusClass(outcome.status) };
    this.requests.add(1, labels);
    this.requestDuration.record(outcome.durationSeconds, labels);
    if (outcome.upstreamSeconds !== undefined) {
      this.upstreamDuration.record(outcome.upstreamSeconds, { route: outcome.route, status_class: statusClass(outcome.upstreamStatus ?? 0) });
    }
  }
}
