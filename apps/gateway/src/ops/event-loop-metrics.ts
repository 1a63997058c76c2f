import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Meter } from '@opentelemetry/api';
import { METER } from '@app/tracing';

/** How often the delay is sampled, in ms: a timer of this period, whose lateness is the delay. */
export const LOOP_SAMPLING_RESOLUTION_MS = 20;

const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;

/**
 * A delay the histogram recorded, as seconds of delay proper. The histogram records the time between two
 * ticks of its sampling timer, so an idle loop reads the resolution itself: that is subtracted (a tick a
 * little early reads 0, not less).
 */
export function loopDelaySeconds(recordedNanoseconds: number, resolutionMs: number): number {
  if (!Number.isFinite(recordedNanoseconds)) return 0;
  return Math.max(0, recordedNanoseconds - resolutionMs * NS_PER_MS) / NS_PER_S;
}

/** Event-loop delay percentiles (host-metrics covers process CPU and memory). */
@Injectable()
export class EventLoopMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly histogram: ELDHistogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLING_RESOLUTION_MS });

  constructor(@Inject(METER) private readonly meter: Meter) {}

  onModuleInit(): void {
    this.histogram.enable();
    const gauge = this.meter.createObservableGauge('nodejs_eventloop_delay_seconds', {
      description: `Event-loop delay since the previous scrape, by quantile (sampled every ${LOOP_SAMPLING_RESOLUTION_MS} ms, the sampling period subtracted)`,
    });
    gauge.addCallback((result) => {
      const seconds = (recorded: number): number => loopDelaySeconds(recorded, LOOP_SAMPLING_RESOLUTION_MS);
      result.observe(seconds(this.histogram.percentile(50)), { quantile: '0.5' });
      result.observe(seconds(this.histogram.percentile(99)), { quantile: '0.99' });
      result.observe(seconds(this.histogram.max), { quantile: '1' });
      this.histogram.reset();
    });
  }

  onModuleDestroy(): void {
    this.histogram.disable();
  }
}
