import type { Row } from './measure-row';

const HEADER = ['system', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU µs/req', 'V8 workers µs/req', 'heap KiB/req', 'SUT core %', 'CPU0 others %', 'CPU1 busy %', 'idle RSS MiB', 'peak RSS MiB', 'spans/req', 'req/s ÷ bare', 'p99 ÷ bare', 'CPU0 ref ms', 'load 1m', 'check'];

const fixed = (digits: number) => (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const integer = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const ms = (value: number): string => (!Number.isFinite(value) ? '–' : value < 10 ? value.toFixed(3) : value.toFixed(1));

/** The bare proxy's row at the same connection count: every ratio is taken within one run. */
function bareRow(rows: readonly Row[], connections: number): Row | undefined {
  return rows.find((row) => row.system.kind === 'bare' && row.connections === connections);
}

export function ratios(rows: readonly Row[], row: Row): { throughput?: number; p99?: number } {
  const bare = bareRow(rows, row.connections);
  if (bare === undefined) return {};
  return { throughput: row.load.requestsPerSecond / bare.load.requestsPerSecond, p99: row.load.p99Ms / bare.load.p99Ms };
}

/** The load core this busy, with the system under test below it, means the harness set the pace. */
export const HARNESS_BOUND_PERCENT = 90;

/** A pinned row whose load core was saturated while the system under test still had headroom. */
export function isHarnessBound(row: Row): boolean {
  return row.system.onSutCpu && (row.harnessCpuPercent ?? 0) >= HARNESS_BOUND_PERCENT && row.sutCorePercent < HARNESS_BOUND_PERCENT;
}

/** Conditions a reader should weigh: other work on the SUT CPU, a second attempt, a restarted process. */
function notes(row: Row): string[] {
  const found: string[] = [...row.notes];
  if (isHarnessBound(row)) found.push(`HARNESS-BOUND (CPU1 ${(row.harnessCpuPercent ?? 0).toFixed(0)}% busy, SUT ${row.sutCorePercent.toFixed(0)}%)`);
  if (row.attempt > 1) found.push('2nd attempt');
  if ((row.sutCpuOtherPercent ?? 0) > 10) found.push(`disturbed (CPU0 others ${(row.sutCpuOtherPercent ?? 0).toFixed(0)}%)`);
  return found;
}

function cells(rows: readonly Row[], row: Row): string[] {
  const ratio = ratios(rows, row);
  return [
    row.system.label,
    String(row.connections),
    integer(row.load.requestsPerSecond),
    ms(row.load.p50Ms),
    ms(row.load.p99Ms),
    ms(row.load.maxMs),
    fixed(1)(row.cpuMicrosPerRequest),
    fixed(1)(row.v8WorkerMicrosPerRequest),
    fixed(1)(row.heapBytesPerRequest / 1024),
    fixed(0)(row.sutCorePercent),
    fixed(0)(row.sutCpuOtherPercent),
    fixed(0)(row.harnessCpuPercent),
    fixed(1)(row.idleRssMiB),
    fixed(1)(row.peakRssMiB),
    fixed(2)(row.spansPerRequest),
    fixed(2)(ratio.throughput),
    fixed(2)(ratio.p99),
    fixed(2)(row.refLoopMs),
    row.loadAverage,
    [row.invalid.length === 0 ? 'ok' : `INVALID: ${row.invalid.join('; ')}`, ...notes(row)].join(', '),
  ];
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [HEADER, HEADER.map((_, i) => (i === 0 || i >= HEADER.length - 2 ? '---' : '--:')), ...rows.map((row) => cells(rows, row))];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}

type Verdict = 'met' | 'NOT met' | 'not measured' | 'invalid' | 'reference';

interface TargetLine {
  readonly verdict: Verdict;
  readonly text: string;
}

function find(rows: readonly Row[], key: string, connections: number): Row | undefined {
  return rows.find((row) => row.system.key === key && row.connections === connections);
}

/** One target over the rows it needs: invalid when any of them (or its bare proxy row) failed a check. */
function target(rows: readonly Row[], needed: readonly (Row | undefined)[], text: string, holds: () => boolean, value: () => string): TargetLine {
  if (needed.some((row) => row === undefined)) return { verdict: 'not measured', text };
  const involved = needed.flatMap((row) => (row === undefined ? [] : [row, bareRow(rows, row.connections)]));
  if (involved.some((row) => row === undefined || row.invalid.length > 0 || isHarnessBound(row))) return { verdict: 'invalid', text: `${text}: ${value()}` };
  return { verdict: holds() ? 'met' : 'NOT met', text: `${text}: ${value()}` };
}

/** p99 ÷ p50 of a row: the tail's length at that concurrency, whatever the throughput. */
function tailRatio(row: Row): number {
  return row.load.p99Ms / row.load.p50Ms;
}

/** The issue's targets (issue 13), judged on this run only. */
export function targetLines(rows: readonly Row[]): string[] {
  const lines: TargetLine[] = [];
  const throughputTarget = (key: string, minimum: number): TargetLine => {
    const at64 = find(rows, key, 64);
    const throughput = at64 === undefined ? NaN : (ratios(rows, at64).throughput ?? NaN);
    return target(rows, [at64], `${key} req/s ≥ ${minimum.toFixed(2)} × bare at 64 connections`, () => throughput >= minimum, () => throughput.toFixed(2));
  };
  lines.push(throughputTarget('gateway-v2-json', 0.6), throughputTarget('gateway-v1-thrift', 0.6), throughputTarget('gateway-v2-json-0', 0.8));
  for (const key of ['gateway-v2-json', 'gateway-v1-thrift', 'gateway-v2-json-0']) {
    const tails = [16, 64].map((connections) => find(rows, key, connections));
    const relative = tails.map((row) => {
      const bare = row === undefined ? undefined : bareRow(rows, row.connections);
      return row === undefined || bare === undefined ? NaN : tailRatio(row) / tailRatio(bare);
    });
    const shown = (): string => tails.map((row, i) => `${row === undefined ? '–' : tailRatio(row).toFixed(2)} (${relative[i]?.toFixed(2) ?? '–'}× bare's)`).join(', ');
    lines.push(target(rows, tails, `${key} p99/p50 ≤ 1.5 × bare's p99/p50 at 16, 64 connections`, () => relative.every((r) => r <= 1.5), shown));
  }
  for (const key of ['gateway-v2-json', 'gateway-v1-thrift', 'gateway-v2-json-0']) {
    const at64 = find(rows, key, 64);
    lines.push(target(rows, [at64], `${key} peak RSS ≤ 160 MiB at 64 connections`, () => (at64?.peakRssMiB ?? NaN) <= 160, () => `${(at64?.peakRssMiB ?? NaN).toFixed(1)} MiB`));
  }
  const floor = find(rows, 'nest-floor', 64);
  const floorRatio = floor === undefined ? NaN : (ratios(rows, floor).throughput ?? NaN);
  if (floor !== undefined) lines.push({ verdict: 'reference', text: `Nest + Fastify floor (no work of ours) req/s ÷ bare at 64 connections: ${floorRatio.toFixed(2)}` });
  const harnessBound = rows.filter(isHarnessBound);
  if (harnessBound.length > 0) lines.push({ verdict: 'invalid', text: `harness-bound rows (load core ≥ ${HARNESS_BOUND_PERCENT}% busy while the system under test had headroom): ${harnessBound.map((row) => `${row.system.key} c=${row.connections}`).join(', ')}` });
  return lines.map((line) => `- **${line.verdict}** ${line.text}`);
}

export const COLUMN_NOTES = [
  'req/s: 2xx responses ÷ measured seconds (wrk). Latencies: wrk\'s histogram of every response, in µs.',
  'CPU µs/req: utime+stime of the system under test (all threads) over the measured run ÷ 2xx responses (/proc/<pid>/stat, 10 ms ticks).',
  'V8 workers µs/req: the part of CPU µs/req spent by the threads V8 names node-V8Worker (parallel scavenges, concurrent marking and sweeping of major GCs, background JIT compilation), from /proc/<pid>/task/*/stat: GC work a CPU profile of the main thread does not show.',
  'heap KiB/req: V8 heap bytes allocated over the measured run ÷ 2xx responses (v8.getHeapStatistics().total_allocated_bytes, read through bench/alloc-probe.ts on SIGUSR2 before and after the run): what the young generation must collect per request.',
  'SUT core %: that CPU time ÷ run time; near 100 = the system under test is saturated. CPU1 busy % ≥ 90 with SUT core % below 90 = the harness (load generator + upstream + collector on CPU 1) set the pace: the row is flagged HARNESS-BOUND and no target is judged on it.',
  'CPU0 others %: busy time on CPU 0 not spent by the system under test (other processes on this shared machine).',
  'idle RSS: VmRSS 1 s after start, before any load. peak RSS: VmHWM over the measured run (reset before it).',
  'spans/req: spans decoded by the collector ÷ requests seen by the upstream over the run (after the last flush).',
  'CPU0 ref ms: median time of a fixed integer loop on CPU 0, the slower of just before and just after the run (lower = faster); a row whose loop ran over 1.3× the run\'s fastest is measured again (with the disturbed rows, at most 6 per run) and the faster attempt kept. This VM reports no steal time, so a slower host shows only here: compare ratios between rows with similar values. Rows are measured interleaved (for each connection count, every system in turn), so each ratio pairs runs taken within about a minute.',
  'check: INVALID when a request failed, the collector did not get 2 spans per sampled request (0 otherwise), or sampled upstream requests lacked valid B3 headers. "disturbed" marks rows where other processes took more than 10% of CPU 0 (such a row is measured once more, up to 6 times per run with the slow rows, and the less disturbed attempt is kept).',
  'upstream direct: the upstream on CPU 1 beside the load generator, no proxy: the harness ceiling, not a system pinned alone.',
  'Nest + Fastify floor: the bare proxy\'s forwarding in a Nest controller on Fastify, configured as the gateway\'s port (bench/nest-floor-proxy.ts): the framework\'s own cost, the least the gateway can cost while it keeps its controller.',
];
