/**
 * `npm run bench:profile`: the gateway in V2 JSON 100% mode under `node --cpu-prof`, pinned alone on CPU 0,
 * 64 connections for BENCH_PROFILE_SECONDS (default 10) after BENCH_PROFILE_WARMUP_SECONDS (default 5: the
 * gateway's JIT needs that long to settle); stopped with SIGTERM (exit 0 writes the profile to bench/.runs),
 * then summarised over the measured load only.
 *   node dist-tools/bench/profile.js [gateway-v2-json|gateway-v1-thrift|gateway-v2-json-0|bare|nest-floor]
 * `bare` and `nest-floor` profile the reference proxies the same way, to compare frame by frame.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GATEWAY_MAIN, GATEWAY_NODE_FLAGS } from '../apps/gateway/test/support/gateway-process';
import { CLOCK_TICKS_PER_SECOND, loadAverage, machineLine, processCpuTicks } from './bench-procfs';
import { HARNESS_CPU, SUT_CPU, pinProcess, pinningNote } from './bench-pinning';
import { startPeers, type Peers } from './bench-peers';
import { summariseCpuProfile } from './cpuprofile-summary';
import { ensureWrk, runLoad } from './load-generator';
import { BENCH_PATH, exitReasonOf, gatewayEnv, modeOf, type RunningSystem } from './systems-under-test';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const RUNS_DIR = join(REPOSITORY_ROOT, 'bench', '.runs');
const CONNECTIONS = 64;
/** The reference proxies, profiled like the gateway to compare frame by frame. */
const REFERENCE_SCRIPTS: Readonly<Record<string, string>> = { bare: 'bare-proxy.js', 'nest-floor': 'nest-floor-proxy.js' };

/**
 * The gateway as startGateway runs it (or the bare proxy), plus the profiler flags: Node 20 refuses --cpu-prof
 * in NODE_OPTIONS. Output is read for the port, then dropped.
 */
async function startProfiled(peers: Peers, target: string, profileName: string): Promise<RunningSystem> {
  const profiler = ['--cpu-prof', `--cpu-prof-dir=${RUNS_DIR}`, `--cpu-prof-name=${profileName}`];
  const reference = REFERENCE_SCRIPTS[target];
  const bare = reference !== undefined;
  const args = bare ? [...profiler, join(__dirname, reference), '0', peers.upstreamUrl] : [...profiler, ...GATEWAY_NODE_FLAGS, GATEWAY_MAIN];
  const env = bare ? { PATH: process.env.PATH ?? '' } : { PATH: process.env.PATH ?? '', GATEWAY_PORT: '0', ADMIN_PORT: '0', GATEWAY_HOST: '127.0.0.1', ADMIN_HOST: '127.0.0.1', ...gatewayEnv(peers, modeOf(target)) };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!bare && !line.includes('"listening"')) return;
      lines.close();
      child.stdout.resume();
      resolve(bare ? (JSON.parse(line) as { port: number }).port : (JSON.parse(line) as { gatewayPort: number }).gatewayPort);
    });
    void exited.then((code) => reject(new Error(`${target} exited with ${code} before listening`)));
  });
  if (child.pid === undefined) throw new Error(`${target} has no pid`);
  pinProcess(child.pid, SUT_CPU);
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}${BENCH_PATH}`,
    forgetOutput: () => undefined,
    exitReason: () => exitReasonOf(child, []),
    // Not preloaded under the profiler: allocation shows in the profile's GC share.
    allocatedBytes: () => Promise.resolve(undefined),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`${target} exited with ${code} on SIGTERM: no profile`);
    },
  };
}

const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const modeKey = process.argv[2] ?? 'gateway-v2-json';
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
  mkdirSync(RUNS_DIR, { recursive: true });
  ensureWrk();
  pinProcess(process.pid, HARNESS_CPU);
  process.stdout.write(`${machineLine()}\n${pinningNote()}\nprofiling ${modeKey in REFERENCE_SCRIPTS ? `the reference proxy ${modeKey}` : `${GATEWAY_MAIN} (${modeKey})`}, ${CONNECTIONS} connections, ${seconds} s\n`);
  const profileName = `${modeKey}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  const peers = await startPeers();
  try {
    const system = await startProfiled(peers, modeKey, profileName);
    let stopped = false;
    try {
      await runLoad({ url: system.url, connections: CONNECTIONS, seconds: Number(process.env.BENCH_PROFILE_WARMUP_SECONDS ?? 5) });
      system.forgetOutput();
      const ticksBefore = processCpuTicks(system.pid);
      const loadAtStart = loadAverage();
      const fromMicros = monotonicMicros();
      const load = await runLoad({ url: system.url, connections: CONNECTIONS, seconds });
      const toMicros = monotonicMicros();
      const cpuMicros = ((processCpuTicks(system.pid) - ticksBefore) / CLOCK_TICKS_PER_SECOND) * 1e6;
      system.forgetOutput();
      await system.stop();
      stopped = true;
      process.stdout.write(
        `under the profiler: ${Math.round(load.requestsPerSecond)} req/s, p99 ${load.p99Ms.toFixed(2)} ms, ${(cpuMicros / Math.max(1, load.ok)).toFixed(1)} CPU µs/req, ${load.errors} errors, ${load.non2xx} non-2xx; load ${loadAtStart} → ${loadAverage()}\n\n`,
      );
      const written = readdirSync(RUNS_DIR).find((name) => name === profileName);
      if (written === undefined) throw new Error(`no profile ${profileName} in ${RUNS_DIR}: did the gateway exit 0 on SIGTERM?`);
      const file = join(RUNS_DIR, written);
      let summary = summariseCpuProfile(file, REPOSITORY_ROOT, { fromMicros, toMicros });
      // The profiler's clock is the same monotonic clock; if the window caught almost nothing, say so and use it all.
      if (summary.busyMicros < 0.2 * cpuMicros) {
        process.stdout.write('(the measured window matched too few samples: summarising the whole profile)\n');
        summary = summariseCpuProfile(file, REPOSITORY_ROOT);
      }
      process.stdout.write(`${summary.text}\n`);
    } finally {
      if (!stopped) await system.stop();
    }
  } finally {
    await peers.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
