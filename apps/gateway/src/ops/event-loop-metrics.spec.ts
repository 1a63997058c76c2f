import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loopDelaySeconds } from './event-loop-metrics';

describe(loopDelaySeconds.name, () => {
  it.each<[string, number, number, number]>([
    ['an idle loop (one sampling period between ticks)', 20_000_000, 20, 0],
    ['a tick a little early', 19_200_000, 20, 0],
    ['a loop blocked 50 ms', 70_000_000, 20, 0.05],
    ['a delay under a millisecond', 20_500_000, 20, 0.0005],
    ['another resolution', 15_000_000, 10, 0.005],
    ['an empty histogram (NaN percentile)', Number.NaN, 20, 0],
    ['an empty histogram (max is 0)', 0, 20, 0],
    ['an overflowed histogram', Number.POSITIVE_INFINITY, 20, 0],
  ])('should report %s', (_case, recordedNs, resolutionMs, expected) => {
    expect(loopDelaySeconds(recordedNs, resolutionMs)).toBeCloseTo(expected, 9);
  });

  // The Node fact behind the subtraction: an idle loop's raw median is one sampling period, not 0.
  it('should be needed: the raw histogram of an idle loop reads about its resolution', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 20 });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 300));
    histogram.disable();
    expect(histogram.percentile(50) / 1e6).toBeGreaterThanOrEqual(15);
  });
});
