/**
 * `npm run bench`: the upstream directly, the bare Node proxy and the gateway in each export mode, at 1, 16
 * and 64 connections, each system pinned alone on CPU 0 (rows interleaved: per connection count, every system
 * in turn); prints the table and writes bench/RESULTS.md.
 *
 * Env: BENCH_ROUNDS (every row measured this often, in rounds; the table shows each row's median round;
 * default 3), BENCH_SECONDS (measured run per row, default 6), BENCH_WARMUP_SECONDS (per row, default 2),
 * BENCH_PROCESS_WARMUP_SECONDS (once per started system, at the highest connection count, default 5: the
 * gateway needs ~5 s of load before its JIT settles, and the 1-connection row would otherwise measure a cold
 * process), BENCH_CONNECTIONS (default 1,16,64), BENCH_SYSTEMS (keys to run, default all: upstream,bare,
 * nest-floor,gateway-v2-json,gateway-v1-thrift,gateway-v2-json-0; gateway-v2-json-v8-default, the V2 JSON gateway without
 * --max-semi-space-size=4, runs only when named; so do baseline-v2-json and baseline-v2-json-0, another build's
 * gateway given by BENCH_BASELINE_MAIN=<its dist/apps/gateway/src/main.js>, for a before/after in one run).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { GATEWAY_MAIN } from '../apps/gateway/test/support/gateway-process';
import { machineLine } from './bench-procfs';
import { HARNESS_CPU, pinProcess, pinningNote } from './bench-pinning';
import { startPeers } from './bench-peers';
import { ensureWrk, loadGeneratorLine } from './load-generator';
import { measureAll, type RunPlan } from './measure-all';
import type { Row } from './measure-row';
import { RESULTS_FILE, gatewayBuildLine, resultsMarkdown } from './results-file';
import { ALL_SYSTEMS } from './systems-under-test';

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function listFromEnv(name: string): string[] | undefined {
  const raw = process.env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw.split(',').map((item) => item.trim());
}

function planFromEnv(): RunPlan {
  const only = listFromEnv('BENCH_SYSTEMS');
  return {
    settings: { warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 2), measureSeconds: numberFromEnv('BENCH_SECONDS', 6) },
    rounds: Math.round(numberFromEnv('BENCH_ROUNDS', 3)),
    processWarmupSeconds: numberFromEnv('BENCH_PROCESS_WARMUP_SECONDS', 5),
    connectionCounts: (listFromEnv('BENCH_CONNECTIONS') ?? ['1', '16', '64']).map(Number),
    systems: ALL_SYSTEMS.filter((system) => (only === undefined ? system.inDefaultRun : only.includes(system.key))),
  };
}

async function main(): Promise<void> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run npm run build first`);
  const plan = planFromEnv();
  ensureWrk();
  const loadGenerator = loadGeneratorLine();
  const gatewayBuild = gatewayBuildLine();
  // This process reads the gateway's access log and the peers' counts: it stays off the system under test's core.
  pinProcess(process.pid, HARNESS_CPU);
  const machine = machineLine();
  process.stdout.write(`${machine}\n${pinningNote()}\nload generator: ${loadGenerator}\n`);
  const peers = await startPeers();
  const rows: Row[] = [];
  try {
    rows.push(...(await measureAll(peers, plan)));
  } finally {
    await peers.stop();
  }
  const markdown = resultsMarkdown({ machine, gatewayBuild, settings: plan.settings, rounds: plan.rounds, processWarmupSeconds: plan.processWarmupSeconds, connectionCounts: plan.connectionCounts, loadGenerator }, rows);
  writeFileSync(RESULTS_FILE, markdown);
  process.stdout.write(`\n${markdown}\nwritten to ${RESULTS_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
