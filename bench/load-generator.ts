/**
 * The load generator: wrk (Debian's package; `ensureWrk()` installs it when missing), one thread, started
 * pinned to the harness CPU. wrk is C with an event loop per thread: about 6× cheaper per request than a
 * Node load generator, so the harness core no longer sets the pace of the bare proxy. Its latency
 * histogram keeps microseconds; a Lua `done` hook prints the summary as one JSON line.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARNESS_CPU, onCpu } from './bench-pinning';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  /** 2xx and 3xx responses (the upstream answers 200 only). */
  readonly ok: number;
  /** Responses with a status ≥ 400. */
  readonly non2xx: number;
  /** Connect, read and write errors and timeouts. */
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** wrk's summary as the `done` hook prints it (latencies in µs). */
interface WrkSummary {
  readonly requests: number;
  readonly durationUs: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly status: number;
  readonly timeout: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

const DONE_HOOK = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

let hookFile: string | undefined;

/** The `done` hook as a script file, written once per benchmark process. */
function doneHookFile(): string {
  if (hookFile === undefined) {
    hookFile = join(mkdtempSync(join(tmpdir(), 'bench-wrk-')), 'summary.lua');
    writeFileSync(hookFile, DONE_HOOK);
  }
  return hookFile;
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its usage and exits 1: it is there when the spawn itself worked.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Installs Debian's wrk when it is missing (as root, or through password-less sudo); throws when it cannot. */
export function ensureWrk(): void {
  if (hasWrk()) return;
  const asRoot = process.getuid?.() === 0;
  const apt = (args: string[]): void => {
    const [command, fullArgs] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
    execFileSync(command, fullArgs, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  process.stdout.write('wrk is missing: installing Debian package wrk\n');
  try {
    apt(['install', '-y', '-q', 'wrk']);
  } catch {
    apt(['update', '-q']);
    apt(['install', '-y', '-q', 'wrk']);
  }
  if (!hasWrk()) throw new Error('wrk is still missing after apt-get install wrk');
}

/** The load generator's own line for the results file. */
export function loadGeneratorLine(): string {
  let version = 'wrk';
  try {
    execFileSync('wrk', ['--version'], { stdio: 'pipe' });
  } catch (error) {
    const printed = String((error as { stdout?: Buffer }).stdout ?? '');
    version = /^wrk \S+/.exec(printed)?.[0] ?? version;
  }
  return `${version}, 1 thread, keep-alive, no pipelining`;
}

export function resultOf(summary: WrkSummary): LoadResult {
  const seconds = summary.durationUs / 1e6;
  const ok = summary.requests - summary.status;
  return {
    ok,
    non2xx: summary.status,
    errors: summary.connect + summary.read + summary.write + summary.timeout,
    seconds,
    requestsPerSecond: ok / seconds,
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    maxMs: summary.maxUs / 1000,
  };
}

/** Runs one load phase with wrk pinned to the harness CPU and resolves with its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const wrkArgs = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', doneHookFile(), options.url];
  const { command, args } = onCpu(HARNESS_CPU, 'wrk', wrkArgs);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"requests"'));
      if (code !== 0 || line === undefined) return reject(new Error(`wrk exited with ${code}: ${stdout.slice(-500)}`));
      resolve(resultOf(JSON.parse(line) as WrkSummary));
    });
  });
}
