import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { spanTimeAt } from './span-clock';

describe(spanTimeAt.name, () => {
  it('should read the wall clock: within a few ms of Date.now()', () => {
    const micros = hrTimeToMicroseconds(spanTimeAt(performance.now()));
    // Both clocks read real time; the bound is the slack a loaded machine needs between two reads.
    expect(Math.abs(micros / 1000 - Date.now())).toBeLessThan(250);
  });

  it.each([0, 0.0005, 1, 999.9999, 1000, 86_400_000.123456, 8_640_000_000.5])('should keep sub-microsecond order and never carry a bad nanosecond field at %d ms', (offsetMs) => {
    const [seconds, nanos] = spanTimeAt(offsetMs);
    const [nextSeconds, nextNanos] = spanTimeAt(offsetMs + 0.001);
    expect({ nanosInRange: nanos >= 0 && nanos < 1e9, integer: Number.isInteger(seconds) && Number.isInteger(nanos) }).toEqual({ nanosInRange: true, integer: true });
    // One microsecond later reads one microsecond later (±1 ns of float rounding).
    expect(Math.abs((nextSeconds - seconds) * 1e9 + (nextNanos - nanos) - 1000)).toBeLessThanOrEqual(1);
  });

  it('should give distinct, increasing microsecond timestamps for readings 1 µs apart', () => {
    const base = performance.now();
    const micros = [0, 0.001, 0.002, 0.003].map((delta) => Math.floor(hrTimeToMicroseconds(spanTimeAt(base + delta))));
    expect(new Set(micros).size).toBe(4);
    expect([...micros].sort((a, b) => a - b)).toEqual(micros);
  });
});
