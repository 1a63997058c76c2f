import { setTimeout as sleep } from 'node:timers/promises';
import { CLOCK_TICKS_PER_SECOND, coreTicks, loadAverage, processCpuTicks, processMemory, resetPeakRss, v8WorkerCpuTicks, type CoreTicks } from './bench-procfs';
import { HARNESS_CPU, SUT_CPU } from './bench-pinning';
import { measureCpuSpeed } from './cpu-speed';
import type { PeerCounts, Peers } from './bench-peers';
import { runLoad, type LoadResult } from './load-generator';
import { FLUSH_INTERVAL_MS, type RunningSystem, type SystemUnderTest } from './systems-under-test';

export interface BenchSettings {
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
}

export interface Row {
  readonly system: SystemUnderTest;
  readonly connections: number;
  readonly load: LoadResult;
  readonly cpuMicrosPerRequest: number;
  /** The part of cpuMicrosPerRequest spent by V8's worker threads (background GC, JIT). */
  readonly v8WorkerMicrosPerRequest: number;
  /** V8 heap bytes allocated per 2xx response over the measured run (alloc-probe); NaN when unknown. */
  readonly heapBytesPerRequest: number;
  /** Share of one core the system under test used over the measured run. */
  readonly sutCorePercent: number;
  /** Busy share of the SUT CPU not spent by the system under test (other engineers' processes). */
  readonly sutCpuOtherPercent?: number;
  /** Busy share of the harness CPU: near 100 means the harness, not the system under test, set the pace. */
  readonly harnessCpuPercent?: number;
  readonly idleRssMiB: number;
  readonly peakRssMiB: number;
  readonly upstreamRequests: number;
  readonly spansPerRequest: number;
  /** The reference loop's ms on the SUT CPU, the slower of just before and just after the run (lower = faster machine). */
  readonly refLoopMs: number;
  /** 1-minute load average when the measured run started and when it ended. */
  readonly loadAverage: string;
  /** Empty when every honesty check passed. */
  readonly invalid: readonly string[];
  /** 2 when the first attempt was disturbed by other processes on the SUT CPU and measured again. */
  readonly attempt: number;
  /** What a reader should know about how the row was taken (e.g. a fresh process after the old one exited). */
  readonly notes: readonly string[];
}

/** The row of a system that is no longer running: every number unknown, the reason in the check column. */
export function deadRow(system: SystemUnderTest, connections: number, idleRssMiB: number, reason: string): Row {
  const load: LoadResult = { ok: 0, non2xx: 0, errors: 0, seconds: NaN, requestsPerSecond: NaN, p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
  return {
    system,
    connections,
    load,
    cpuMicrosPerRequest: NaN,
    v8WorkerMicrosPerRequest: NaN,
    heapBytesPerRequest: NaN,
    sutCorePercent: NaN,
    idleRssMiB,
    peakRssMiB: NaN,
    upstreamRequests: 0,
    spansPerRequest: NaN,
    refLoopMs: NaN,
    loadAverage: loadAverage().split(' ')[0] ?? '',
    invalid: [`system under test is gone (${reason})`],
    attempt: 1,
    notes: [],
  };
}

/** Waits until the collector's span count stops moving: the reporter's last batch of a run has arrived. */
async function settledCounts(peers: Peers): Promise<PeerCounts> {
  await sleep(FLUSH_INTERVAL_MS + 100);
  let previous = await peers.counts();
  for (let stable = 0, polls = 0; stable < 3 && polls < 50; polls += 1) {
    await sleep(100);
    const current = await peers.counts();
    stable = current.collector.spans === previous.collector.spans && current.collector.messages === previous.collector.messages ? stable + 1 : 0;
    previous = current;
  }
  return previous;
}

interface Snapshot {
  readonly peers: PeerCounts;
  readonly sutTicks: number;
  readonly v8WorkerTicks: number;
  readonly sutCpu?: CoreTicks;
  readonly harnessCpu?: CoreTicks;
}

function snapshot(peers: PeerCounts, pid: number): Snapshot {
  return { peers, sutTicks: processCpuTicks(pid), v8WorkerTicks: v8WorkerCpuTicks(pid), sutCpu: coreTicks(SUT_CPU), harnessCpu: coreTicks(HARNESS_CPU) };
}

function busyPercent(before: CoreTicks | undefined, after: CoreTicks | undefined, minusTicks = 0): number | undefined {
  if (before === undefined || after === undefined || after.total === before.total) return undefined;
  return (100 * Math.max(0, after.busy - before.busy - minusTicks)) / (after.total - before.total);
}

/** One row: warm-up, settle, measured run, settle; then the honesty checks. */
export async function measureRow(system: SystemUnderTest, running: RunningSystem, peers: Peers, connections: number, idleRssMiB: number, settings: BenchSettings): Promise<Row> {
  await runLoad({ url: running.url, connections, seconds: settings.warmupSeconds });
  running.forgetOutput();
  const settled = await settledCounts(peers);
  const refLoopMsBefore = await measureCpuSpeed();
  const before = snapshot(settled, running.pid);
  const peakReset = resetPeakRss(running.pid);
  const loadAtStart = loadAverage().split(' ')[0];
  const allocatedBefore = await running.allocatedBytes();
  const load = await runLoad({ url: running.url, connections, seconds: settings.measureSeconds });
  const sutTicks = processCpuTicks(running.pid) - before.sutTicks;
  const v8WorkerTicks = v8WorkerCpuTicks(running.pid) - before.v8WorkerTicks;
  const allocatedAfter = await running.allocatedBytes();
  const sutCpuAfter = coreTicks(SUT_CPU);
  const harnessCpuAfter = coreTicks(HARNESS_CPU);
  const loadAtEnd = loadAverage().split(' ')[0];
  const memory = processMemory(running.pid);
  running.forgetOutput();
  const after = await settledCounts(peers);
  // The slower of the two: a slow spell that starts during the run shows after it.
  const refLoopMs = Math.max(refLoopMsBefore, await measureCpuSpeed());

  const upstreamRequests = after.upstream.requests - before.peers.upstream.requests;
  const spans = after.collector.spans - before.peers.collector.spans;
  const cpuSeconds = sutTicks / CLOCK_TICKS_PER_SECOND;
  return {
    system,
    connections,
    load,
    cpuMicrosPerRequest: load.ok > 0 ? (cpuSeconds * 1e6) / load.ok : NaN,
    v8WorkerMicrosPerRequest: load.ok > 0 ? (v8WorkerTicks / CLOCK_TICKS_PER_SECOND) * 1e6 / load.ok : NaN,
    heapBytesPerRequest: allocatedBefore === undefined || allocatedAfter === undefined || load.ok === 0 ? NaN : (allocatedAfter - allocatedBefore) / load.ok,
    sutCorePercent: (100 * cpuSeconds) / load.seconds,
    sutCpuOtherPercent: busyPercent(before.sutCpu, sutCpuAfter, system.onSutCpu ? sutTicks : 0),
    harnessCpuPercent: busyPercent(before.harnessCpu, harnessCpuAfter),
    idleRssMiB,
    peakRssMiB: memory.peakKiB / 1024,
    upstreamRequests,
    spansPerRequest: upstreamRequests > 0 ? spans / upstreamRequests : NaN,
    refLoopMs,
    loadAverage: `${loadAtStart}→${loadAtEnd}${peakReset ? '' : ' (peak RSS since start)'}`,
    invalid: honestyProblems(system, connections, load, before.peers, after),
    attempt: 1,
    notes: [],
  };
}

function honestyProblems(system: SystemUnderTest, connections: number, load: LoadResult, before: PeerCounts, after: PeerCounts): string[] {
  const problems: string[] = [];
  const upstreamRequests = after.upstream.requests - before.upstream.requests;
  const spans = after.collector.spans - before.collector.spans;
  if (load.ok === 0) problems.push('no successful request');
  if (load.errors > 0) problems.push(`${load.errors} request errors`);
  if (load.non2xx > 0) problems.push(`${load.non2xx} non-2xx responses`);
  if (upstreamRequests < load.ok) problems.push(`upstream saw ${upstreamRequests} requests for ${load.ok} answered`);
  // Requests cut by the load generator's stop still end both spans, whether or not they reached the upstream.
  const expectedMin = system.spansPerRequest * upstreamRequests;
  const expectedMax = system.spansPerRequest * (upstreamRequests + connections);
  if (spans < expectedMin || spans > expectedMax) problems.push(`collector got ${spans} spans for ${upstreamRequests} upstream requests (want ${system.spansPerRequest} each)`);
  const decodeErrors = after.collector.decodeErrors - before.collector.decodeErrors;
  if (decodeErrors > 0) problems.push(`${decodeErrors} collector messages did not decode (${after.collector.firstDecodeError ?? ''})`);
  problems.push(...b3Problems(system, before, after));
  return problems;
}

function b3Problems(system: SystemUnderTest, before: PeerCounts, after: PeerCounts): string[] {
  const checked = after.upstream.b3Checked - before.upstream.b3Checked;
  const valid = after.upstream.b3Valid - before.upstream.b3Valid;
  const absent = after.upstream.b3Absent - before.upstream.b3Absent;
  if (system.b3Sampled === undefined) return absent === checked ? [] : [`${checked - absent} of ${checked} sampled upstream requests carried B3 headers`];
  if (checked === 0) return ['no upstream request was sampled for a B3 check'];
  if (valid !== checked) return [`${checked - valid} of ${checked} sampled upstream requests lacked valid B3 headers (${after.upstream.firstInvalid ?? 'none'})`];
  const matching = (after.upstream.b3SampledValues[system.b3Sampled] ?? 0) - (before.upstream.b3SampledValues[system.b3Sampled] ?? 0);
  return matching === checked ? [] : [`${checked - matching} of ${checked} sampled upstream requests had X-B3-Sampled other than ${system.b3Sampled}`];
}
