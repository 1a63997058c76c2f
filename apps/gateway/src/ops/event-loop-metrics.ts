import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MetricService } from 'nestjs-otel';

/** Event-loop delay percentiles (host-metrics covers process CPU and memory). */
@Injectable()
export class EventLoopMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor(private readonly metricService: MetricService) {}

  onModuleInit(): void {
    this.histogram.enable();
    const gauge = this.metricService.getObservableGauge('nodejs_eventloop_delay_seconds', {
      description: 'Event-loop delay since the previous scrape, by quantile',
    });
    gauge.addCallback((result) => {
      const toSeconds = (nanoseconds: number): number => (Number.isFinite(nanoseconds) ? nanoseconds / 1e9 : 0);
      result.observe(toSeconds(this.histogram.percentile(50)), { quantile: '0.5' });
      result.observe(toSeconds(this.histogram.percentile(99)), { quantile: '0.99' });
      result.observe(toSeconds(this.histogram.max), { quantile: '1' });
      this.histogram.reset();
    });
  }

  onModuleDestroy(): void {
    this.histogram.disable();
  }
}
