import { medianRounds } from './measure-all';
import type { Row } from './measure-row';
import { ALL_SYSTEMS } from './systems-under-test';

const [first, second] = ALL_SYSTEMS;

/** A measured round of `system` at `connections` with this req/s; `invalid` lists failed checks. */
function round(system: Row['system'], connections: number, requestsPerSecond: number, invalid: string[] = []): Row {
  return {
    system,
    connections,
    load: { ok: requestsPerSecond, non2xx: 0, errors: 0, seconds: 1, requestsPerSecond, p50Ms: 1, p99Ms: 2, maxMs: 3 },
    cpuMicrosPerRequest: 1e6 / requestsPerSecond,
    v8WorkerMicrosPerRequest: 1,
    heapBytesPerRequest: 1024,
    sutCorePercent: 99,
    idleRssMiB: 100,
    peakRssMiB: 150,
    upstreamRequests: requestsPerSecond,
    spansPerRequest: 0,
    refLoopMs: 2,
    loadAverage: '1.00→1.00',
    invalid,
    attempt: 1,
    notes: [],
  };
}

const shown = (rows: Row[]): Array<[string, number, number, string[]]> =>
  medianRounds(rows).map((row) => [row.system.key, row.connections, row.load.requestsPerSecond, [...row.notes]]);

describe(medianRounds.name, () => {
  it.each<[string, number[], number, string]>([
    ['the middle of three', [300, 100, 200], 200, 'median of 3 rounds by req/s (300 · 100 · 200)'],
    ['the lower middle of an even count', [400, 100, 300, 200], 200, 'median of 4 rounds by req/s (400 · 100 · 300 · 200)'],
    ['the lower of two', [2000, 1000], 1000, 'median of 2 rounds by req/s (2,000 · 1,000)'],
  ])('should show %s, listing every round in the order measured', (_case, rates, median, note) => {
    expect(shown(rates.map((rate) => round(first, 64, rate)))).toEqual([[first.key, 64, median, [note]]]);
  });

  it('should show a single round as it is', () => {
    expect(shown([round(first, 16, 123)])).toEqual([[first.key, 16, 123, []]]);
  });

  it('should show a failed round instead of the median', () => {
    const rows = [round(first, 64, 300), round(first, 64, 100, ['2 requests failed']), round(first, 64, 200)];
    expect(medianRounds(rows).map((row) => [row.invalid, row.notes])).toEqual([[['2 requests failed'], ['a failed round of 3 rounds by req/s (300 · 100 · 200)']]]);
  });

  it('should take each system and connection count on its own', () => {
    const rows = [round(first, 16, 10), round(second, 16, 50), round(first, 64, 30), round(first, 16, 20), round(second, 16, 40), round(first, 64, 60), round(first, 16, 30), round(second, 16, 60), round(first, 64, 90)];
    expect(shown(rows).map(([key, connections, rate]) => [key, connections, rate])).toEqual([
      [first.key, 16, 20],
      [second.key, 16, 50],
      [first.key, 64, 60],
    ]);
  });
});
