import type { HrTime } from '@opentelemetry/api';

/**
 * The one clock of every span start and end: performance.now() (monotonic, sub-microsecond) anchored once,
 * at process start, to wall time through performance.timeOrigin. The SDK's own default takes a span's start
 * from Date.now(), whole milliseconds: two spans started within the same millisecond could not be ordered,
 * and a CLIENT span could seem to end after its SERVER span.
 */
const ORIGIN_SECONDS = Math.floor(performance.timeOrigin / 1000);
const ORIGIN_NANOS = Math.round((performance.timeOrigin - ORIGIN_SECONDS * 1000) * 1e6);

/** Pure: the wall time of a performance.now() reading, as OpenTelemetry's HrTime [seconds, nanoseconds]. */
export function spanTimeAt(performanceNowMs: number): HrTime {
  const wholeSeconds = Math.floor(performanceNowMs / 1000);
  let nanos = ORIGIN_NANOS + Math.round((performanceNowMs - wholeSeconds * 1000) * 1e6);
  let seconds = ORIGIN_SECONDS + wholeSeconds;
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}
