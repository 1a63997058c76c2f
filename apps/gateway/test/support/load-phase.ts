import { Agent, request } from 'node:http';

/** Keep-alive clients of one load phase. */
export const CONNECTIONS = 8;

export interface PhaseResult {
  readonly failed: number;
  /** Every 2xx response time, ms. */
  readonly latencies: number[];
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export function p99Of(latencies: readonly number[]): number {
  return Math.round(percentile([...latencies].sort((a, b) => a - b), 0.99) * 100) / 100;
}

/** Closed-loop load on CONNECTIONS keep-alive connections, `requests` in all; every response time kept at full resolution. */
export async function loadPhase(url: string, requests: number): Promise<PhaseResult> {
  const latencies: number[] = [];
  let failed = 0;
  let issued = 0;
  const client = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (issued < requests) {
      issued += 1;
      const started = performance.now();
      const status = await new Promise<number>((resolve) => {
        const req = request(url, { agent }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
          res.once('error', () => resolve(0));
        });
        req.setTimeout(10_000, () => req.destroy());
        req.once('error', () => resolve(0));
        req.end();
      });
      if (status === 200) latencies.push(performance.now() - started);
      else failed += 1;
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  return { failed, latencies };
}
