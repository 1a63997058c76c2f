import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (where nest-cli.json is), from this file's source or compiled location. */
function repositoryRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  return process.cwd();
}

/** The built entry point: e2e tests, the demo and the benchmark run the real process, as `npm start` does. */
export const GATEWAY_MAIN = join(repositoryRoot(__dirname), 'dist', 'apps', 'gateway', 'src', 'main.js');

/**
 * The V8 flags the gateway runs with: the image's CMD and `npm start` pass the same (a spec compares them).
 * A 4 MiB semi-space keeps the young generation small: under load peak RSS stays near 135 MiB instead of
 * ~230 MiB (Node's default lets it grow to 16 MiB per semi-space), for a few percent more scavenges.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

export interface GatewayProcess {
  readonly url: string;
  readonly adminUrl: string;
  readonly child: ChildProcess;
  /** Every line the process printed on stdout and stderr so far. */
  readonly output: string[];
  /** Parsed JSON lines of stdout (access log, spans on stdout, Nest logs). */
  jsonLines(): Record<string, unknown>[];
  /** Resolves when a printed line satisfies the predicate. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Gateways started by this process: never left running when a test worker exits early. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** How long a stopping gateway may take before it is killed (drain and flush are bounded well below). */
const STOP_DEADLINE_MS = 20_000;

/**
 * Starts the gateway on random loopback ports with the given environment (over a clean one); `nodeFlags`
 * and `main` differ only where a benchmark compares V8 settings or another build.
 */
export async function startGateway(env: Readonly<Record<string, string>>, timeoutMs = 15_000, nodeFlags: readonly string[] = GATEWAY_NODE_FLAGS, main = GATEWAY_MAIN): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...nodeFlags, main], {
    env: { PATH: process.env.PATH ?? '', GATEWAY_PORT: '0', ADMIN_PORT: '0', GATEWAY_HOST: '127.0.0.1', ADMIN_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  const pending = new Set<{ predicate: (line: string) => boolean; settle: (line: string | Error) => void }>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      for (const waiter of pending) if (waiter.predicate(line)) waiter.settle(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => pending.forEach((waiter) => waiter.settle(new Error(`gateway exited; output:\n${output.join('\n')}`))));

  const waitForLine = (predicate: (line: string) => boolean, waitMs = 5000): Promise<string> => {
    const seen = output.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        settle: (result: string | Error): void => {
          clearTimeout(timer);
          pending.delete(waiter);
          if (typeof result === 'string') resolve(result);
          else reject(result);
        },
      };
      const timer = setTimeout(() => waiter.settle(new Error(`no matching line within ${waitMs} ms; output:\n${output.slice(-20).join('\n')}`)), waitMs);
      pending.add(waiter);
    });
  };

  const listening = JSON.parse(await waitForLine((line) => line.includes('"listening"'), timeoutMs)) as { gatewayPort: number; adminPort: number };
  return {
    url: `http://127.0.0.1:${listening.gatewayPort}`,
    adminUrl: `http://127.0.0.1:${listening.adminPort}`,
    child,
    output,
    jsonLines: () => output.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
    waitForLine,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Runs the gateway expecting it to refuse to start; resolves with its exit code and output. */
export async function runGatewayExpectingExit(env: Readonly<Record<string, string>>, timeoutMs = 15_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, GATEWAY_MAIN], { env: { PATH: process.env.PATH ?? '', GATEWAY_PORT: '0', ADMIN_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}
