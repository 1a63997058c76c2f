/**
 * A fixed CPU-bound loop, run pinned on the system under test's core right before each measured run. This
 * VM's speed drifts by 2-3× over minutes with no steal time reported, so every row carries the speed it was
 * measured at: rows whose speeds differ much are not comparable, whatever their ratios say.
 */
import { spawn } from 'node:child_process';
import { SUT_CPU, onCpu } from './bench-pinning';

const WARMUP_ROUNDS = 20;
const ROUNDS = 40;
const CHUNKS_PER_ROUND = 2000;

/**
 * Median milliseconds per round of integer hashing over ROUNDS (~0.1 s), after WARMUP_ROUNDS so the code is
 * optimised: a machine that is slower for seconds is slower in every round, and the median shows it. The work
 * is a small function called many times, not one long loop: a long loop depends on on-stack replacement,
 * whose timing made the same loop 2.4 or 12 ms from one run to the next.
 */
function referenceLoopMs(): number {
  let sink = 0;
  for (let round = 0; round < WARMUP_ROUNDS; round += 1) sink ^= hashRound(round);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = process.hrtime.bigint();
    sink ^= hashRound(round);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return sink === 0.5 ? NaN : (times[Math.floor(ROUNDS / 2)] ?? NaN);
}

function hashRound(seed: number): number {
  let hash = 2166136261 ^ seed;
  for (let chunk = 0; chunk < CHUNKS_PER_ROUND; chunk += 1) hash = hashChunk(hash, chunk);
  return hash;
}

function hashChunk(hash: number, base: number): number {
  let h = hash;
  for (let i = 0; i < 1000; i += 1) h = Math.imul(h ^ ((base + i) & 0xff), 16777619) >>> 0;
  return h;
}

/** Runs the loop in a child pinned to the SUT CPU and resolves with its milliseconds. */
export function measureCpuSpeed(): Promise<number> {
  const { command, args } = onCpu(SUT_CPU, process.execPath, [__filename]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(Number(stdout.trim())));
  });
}

if (require.main === module) process.stdout.write(`${referenceLoopMs().toFixed(3)}\n`);
