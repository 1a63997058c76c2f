import { setTimeout as sleep } from 'node:timers/promises';
import { processMemory } from './bench-procfs';
import type { Peers } from './bench-peers';
import { runLoad } from './load-generator';
import { deadRow, measureRow, type BenchSettings, type Row } from './measure-row';
import type { RunningSystem, SystemUnderTest } from './systems-under-test';

export interface RunPlan {
  readonly settings: BenchSettings;
  /** Every row is measured this many times, in rounds; the table shows each row's median round. */
  readonly rounds: number;
  readonly processWarmupSeconds: number;
  readonly connectionCounts: readonly number[];
  readonly systems: readonly SystemUnderTest[];
}

/** Rows measured again when other processes took this much of the SUT CPU (it is shared with other work). */
const DISTURBED_PERCENT = 10;
/**
 * Rows measured again when the reference loop ran this much slower than the fastest it ran in this run: the
 * VM has slow spells (no steal time reported) that one row's neighbours in the table did not see.
 */
const SLOW_SPELL_FACTOR = 1.3;
/** At most this many re-measurements per run, so a busy machine cannot stretch the run without bound. */
const MAX_DISTURBED_RETRIES = 6;
/** A system that exits is started afresh at most this often (on this shared machine others stop gateways). */
const MAX_RESTARTS = 2;

/** A started system; `running` is replaced by a fresh process when the old one exits. */
interface StartedSystem {
  readonly system: SystemUnderTest;
  running: RunningSystem;
  idleRssMiB: number;
  restarts: number;
}

/** Starts one system, reads its idle RSS, and warms the process up (the JIT needs seconds of load). */
async function startSystem(system: SystemUnderTest, peers: Peers, plan: RunPlan): Promise<StartedSystem> {
  const running = await system.start(peers);
  await sleep(1000);
  const idleRssMiB = processMemory(running.pid).rssKiB / 1024;
  await runLoad({ url: running.url, connections: Math.max(...plan.connectionCounts), seconds: plan.processWarmupSeconds });
  running.forgetOutput();
  return { system, running, idleRssMiB, restarts: 0 };
}

/** Undefined when the system runs; a note when it had to be started afresh; throws when out of restarts. */
async function ensureRunning(entry: StartedSystem, peers: Peers, plan: RunPlan): Promise<string | undefined> {
  const gone = entry.running.exitReason();
  if (gone === undefined) return undefined;
  if (entry.restarts >= MAX_RESTARTS) throw new Error(gone);
  process.stdout.write(`${entry.system.label}: the process exited (${gone}); starting a fresh one\n`);
  // Counted before starting, so a system that cannot start again is not retried forever.
  entry.restarts += 1;
  const fresh = await startSystem(entry.system, peers, plan);
  entry.running = fresh.running;
  entry.idleRssMiB = fresh.idleRssMiB;
  return `fresh process: the previous one exited (${gone.split(';')[0] ?? gone})`;
}

/** One row; a system that exits before or during it is started afresh and measured again, within MAX_RESTARTS. */
async function measureSurviving(entry: StartedSystem, peers: Peers, plan: RunPlan, connections: number): Promise<Row> {
  for (;;) {
    let note: string | undefined;
    try {
      note = await ensureRunning(entry, peers, plan);
      const row = await measureRow(entry.system, entry.running, peers, connections, entry.idleRssMiB, plan.settings);
      return note === undefined ? row : { ...row, notes: [...row.notes, note] };
    } catch (error) {
      const gone = entry.running.exitReason();
      const reason = gone ?? (error instanceof Error ? error.message : String(error));
      if (gone === undefined || entry.restarts >= MAX_RESTARTS) return deadRow(entry.system, connections, entry.idleRssMiB, reason);
    }
  }
}

/**
 * Every system is started (and idles on CPU 0 when not under load); then for each connection count every
 * system is measured in turn, so the rows a ratio pairs are taken within a minute of each other.
 */
export async function measureAll(peers: Peers, plan: RunPlan): Promise<Row[]> {
  const started: StartedSystem[] = [];
  const rows: Row[] = [];
  let retries = MAX_DISTURBED_RETRIES;
  let fastestRefMs = Infinity;
  try {
    for (const system of plan.systems) started.push(await startSystem(system, peers, plan));
    for (let round = 1; round <= plan.rounds; round++) {
      for (const connections of plan.connectionCounts) {
        for (const entry of started) {
          let row = await measureSurviving(entry, peers, plan, connections);
          fastestRefMs = fastestOf(fastestRefMs, row);
          const disturbance = disturbanceOf(row, fastestRefMs);
          if (disturbance !== undefined && retries > 0) {
            retries -= 1;
            process.stdout.write(`${entry.system.label} c=${connections}: ${disturbance}, measuring again\n`);
            const again = { ...(await measureSurviving(entry, peers, plan, connections)), attempt: 2 };
            fastestRefMs = fastestOf(fastestRefMs, again);
            if (disturbanceRank(again, fastestRefMs) < disturbanceRank(row, fastestRefMs)) row = again;
          }
          rows.push(row);
          const status = row.invalid.length === 0 ? 'ok' : `INVALID: ${row.invalid.join('; ')}`;
          process.stdout.write(`round ${round}/${plan.rounds} ${entry.system.label} c=${connections}: ${Math.round(row.load.requestsPerSecond)} req/s, p99 ${row.load.p99Ms.toFixed(3)} ms, ${row.cpuMicrosPerRequest.toFixed(1)} µs/req, ref ${row.refLoopMs.toFixed(2)} ms, load ${row.loadAverage}, ${status}\n`);
        }
      }
    }
  } finally {
    for (const { running } of started) await running.stop();
  }
  const order = (row: Row): number => plan.systems.indexOf(row.system) * 1000 + row.connections;
  return medianRounds(rows).sort((a, b) => order(a) - order(b));
}

/** The fastest reference loop so far; a row of a system that died has none. */
function fastestOf(fastestRefMs: number, row: Row): number {
  return Number.isFinite(row.refLoopMs) ? Math.min(fastestRefMs, row.refLoopMs) : fastestRefMs;
}

/** Why a row does not measure the system alone on a machine at its usual speed; undefined when it does. */
function disturbanceOf(row: Row, fastestRefMs: number): string | undefined {
  if ((row.sutCpuOtherPercent ?? 0) > DISTURBED_PERCENT) return `CPU 0 was ${row.sutCpuOtherPercent?.toFixed(0)}% busy with other processes`;
  if (row.refLoopMs > SLOW_SPELL_FACTOR * fastestRefMs) return `the machine was slow (reference loop ${row.refLoopMs.toFixed(2)} ms, fastest so far ${fastestRefMs.toFixed(2)} ms)`;
  return undefined;
}

/** Of two attempts, the one kept: other processes' share of CPU 0 first, then the machine's speed. */
function disturbanceRank(row: Row, fastestRefMs: number): number {
  const others = Math.max(0, (row.sutCpuOtherPercent ?? 0) - DISTURBED_PERCENT);
  return others * 1000 + Math.max(0, row.refLoopMs / fastestRefMs - 1);
}

/**
 * One row per system and connection count: the round with the median req/s (the lower middle of an even
 * count), its note listing every round's req/s. A round that failed its checks is shown instead: a failed
 * request in any round must not hide behind a median. On this shared VM one row's req/s swings by a third
 * from one minute to the next, so a single round judges nothing.
 */
export function medianRounds(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.system.key} ${row.connections}`;
    const rounds = groups.get(key);
    if (rounds === undefined) groups.set(key, [row]);
    else rounds.push(row);
  }
  return [...groups.values()].map((rounds) => {
    if (rounds.length === 1) return rounds[0];
    const byThroughput = [...rounds].sort((a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond);
    const shown = rounds.find((row) => row.invalid.length > 0) ?? byThroughput[Math.floor((byThroughput.length - 1) / 2)];
    const note = `${shown.invalid.length > 0 ? 'a failed round' : 'median'} of ${rounds.length} rounds by req/s (${rounds.map((row) => Math.round(row.load.requestsPerSecond).toLocaleString('en-US')).join(' · ')})`;
    return { ...shown, notes: [...shown.notes, note] };
  });
}
