/**
 * The load generator: autocannon in its own process, started pinned to the harness CPU. autocannon's
 * histogram keeps whole milliseconds, too coarse for a loopback proxy (p99 at 1 connection is ~0.3 ms),
 * so each 2xx response time is also kept here at full resolution and the percentiles come from those.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { HARNESS_CPU, onCpu } from './bench-pinning';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  /** 2xx responses. */
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Runs one load phase in a pinned child process and resolves with its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { command, args } = onCpu(HARNESS_CPU, process.execPath, [__filename, JSON.stringify(options)]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadResult);
    });
  });
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

function generateLoad(options: LoadOptions): void {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const instance = autocannon({ url: options.url, connections: options.connections, pipelining: 1, duration: options.seconds, timeout: 10 }, (error, result) => {
    if (error !== null) throw error;
    const sorted = latencies.subarray(0, count).sort();
    const outcome: LoadResult = {
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      seconds: result.duration,
      requestsPerSecond: result['2xx'] / result.duration,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: count === 0 ? NaN : (sorted[count - 1] ?? NaN),
    };
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTimeMs;
  });
}

if (require.main === module) generateLoad(JSON.parse(process.argv[2] ?? '{}') as LoadOptions);
