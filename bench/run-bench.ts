/**
 * `npm run bench`: the upstream directly, the bare Node proxy and the gateway in each export mode, at 1, 16
 * and 64 connections, each system pinned alone on CPU 0; prints the table and writes bench/RESULTS.md.
 *
 * Env: BENCH_SECONDS (measured run per row, default 6), BENCH_WARMUP_SECONDS (per row, default 2),
 * BENCH_PROCESS_WARMUP_SECONDS (once per started system, at the highest connection count, default 5: the
 * gateway needs ~5 s of load before its JIT settles, and the 1-connection row would otherwise measure a cold
 * process), BENCH_CONNECTIONS (default 1,16,64), BENCH_SYSTEMS (keys to run, default all: upstream,bare,
 * gateway-v2-json,gateway-v1-thrift,gateway-v2-json-0).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY_MAIN } from '../apps/gateway/test/support/gateway-process';
import { loadAverage, machineLine, processMemory } from './bench-procfs';
import { HARNESS_CPU, pinProcess, pinningNote } from './bench-pinning';
import { COLUMN_NOTES, markdownTable, targetLines } from './bench-report';
import { startPeers, type Peers } from './bench-peers';
import { runLoad } from './load-generator';
import { measureRow, type BenchSettings, type Row } from './measure-row';
import { ALL_SYSTEMS, FLUSH_INTERVAL_MS, type SystemUnderTest } from './systems-under-test';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const RESULTS_FILE = join(REPOSITORY_ROOT, 'bench', 'RESULTS.md');

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function listFromEnv(name: string): string[] | undefined {
  const raw = process.env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw.split(',').map((item) => item.trim());
}

interface RunPlan {
  readonly settings: BenchSettings;
  readonly processWarmupSeconds: number;
  readonly connectionCounts: readonly number[];
  readonly systems: readonly SystemUnderTest[];
}

function planFromEnv(): RunPlan {
  const only = listFromEnv('BENCH_SYSTEMS');
  return {
    settings: { warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 2), measureSeconds: numberFromEnv('BENCH_SECONDS', 6) },
    processWarmupSeconds: numberFromEnv('BENCH_PROCESS_WARMUP_SECONDS', 5),
    connectionCounts: (listFromEnv('BENCH_CONNECTIONS') ?? ['1', '16', '64']).map(Number),
    systems: ALL_SYSTEMS.filter((system) => only === undefined || only.includes(system.key)),
  };
}

/** Starts one system, reads its idle RSS, warms the process up, and measures one row per connection count. */
async function measureSystem(system: SystemUnderTest, peers: Peers, plan: RunPlan): Promise<Row[]> {
  const running = await system.start(peers);
  const rows: Row[] = [];
  try {
    await sleep(1000);
    const idleRssMiB = processMemory(running.pid).rssKiB / 1024;
    await runLoad({ url: running.url, connections: Math.max(...plan.connectionCounts), seconds: plan.processWarmupSeconds });
    running.forgetOutput();
    for (const connections of plan.connectionCounts) {
      const row = await measureRow(system, running, peers, connections, idleRssMiB, plan.settings);
      rows.push(row);
      const status = row.invalid.length === 0 ? 'ok' : `INVALID: ${row.invalid.join('; ')}`;
      process.stdout.write(`${system.label} c=${connections}: ${Math.round(row.load.requestsPerSecond)} req/s, p99 ${row.load.p99Ms.toFixed(3)} ms, ${row.cpuMicrosPerRequest.toFixed(1)} µs/req, load ${row.loadAverage}, ${status}\n`);
    }
  } finally {
    await running.stop();
  }
  return rows;
}

function report(machine: string, plan: RunPlan, rows: readonly Row[]): string {
  const { settings, processWarmupSeconds, connectionCounts } = plan;
  return [
    '# Benchmark results (last `npm run bench`)',
    '',
    `Machine: ${machine}`,
    `Finished: ${new Date().toISOString()}, load average ${loadAverage()}`,
    `Setup: ${pinningNote()}. Load generator: autocannon (pipelining 1). Each system warmed up once for ${processWarmupSeconds} s at ${Math.max(...connectionCounts)} connections after its idle RSS is read, then per row a ${settings.warmupSeconds} s warm-up and a ${settings.measureSeconds} s measured run. Upstream answers a fixed 1 KiB body on keep-alive connections. Gateway: defaults (access log on, gzip to the collector), reporter flush interval ${FLUSH_INTERVAL_MS} ms.`,
    '',
    markdownTable(rows),
    '',
    '## Targets (issue 5, this run only)',
    '',
    ...targetLines(rows),
    '',
    '## Columns',
    '',
    ...COLUMN_NOTES.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run npm run build first`);
  const plan = planFromEnv();
  // This process reads the gateway's access log and the peers' counts: it stays off the system under test's core.
  pinProcess(process.pid, HARNESS_CPU);
  const machine = machineLine();
  process.stdout.write(`${machine}\n${pinningNote()}\n`);
  const peers = await startPeers();
  const rows: Row[] = [];
  try {
    for (const system of plan.systems) rows.push(...(await measureSystem(system, peers, plan)));
  } finally {
    await peers.stop();
  }
  const markdown = report(machine, plan, rows);
  writeFileSync(RESULTS_FILE, markdown);
  process.stdout.write(`\n${markdown}\nwritten to ${RESULTS_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
