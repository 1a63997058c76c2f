import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startGateway } from '../apps/gateway/test/support/gateway-process';
import { writeYamlFile } from '../apps/gateway/test/support/routes-file';
import { SUT_CPU, onCpu, pinProcess } from './bench-pinning';
import type { Peers } from './bench-peers';

/** The path every system serves: the upstream's fixed 1 KiB body. */
export const BENCH_PATH = '/kib';
/** The reporter's flush interval in the benchmark, so the last spans of a run arrive soon after it. */
export const FLUSH_INTERVAL_MS = 200;

export interface RunningSystem {
  readonly pid: number;
  /** Full URL the load generator calls. */
  readonly url: string;
  /** Drops what the harness accumulated from the process during a run (the gateway's access log lines). */
  forgetOutput(): void;
  /** Undefined while the process runs; how it ended (and its last words) once it has exited. */
  exitReason(): string | undefined;
  /** V8's total allocated bytes so far (alloc-probe); undefined for a process without the probe. */
  allocatedBytes(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface SystemUnderTest {
  readonly key: string;
  readonly label: string;
  readonly kind: 'upstream' | 'bare' | 'floor' | 'gateway';
  /** Spans the collector must receive per proxied request. */
  readonly spansPerRequest: 0 | 2;
  /** The X-B3-Sampled value the upstream must see; undefined = no B3 headers expected. */
  readonly b3Sampled?: '0' | '1';
  /** Whether it runs alone on the SUT CPU (the upstream measured directly stays on the harness CPU). */
  readonly onSutCpu: boolean;
  /** Measured by a plain `npm run bench`; the others only when BENCH_SYSTEMS names them. */
  readonly inDefaultRun: boolean;
  start(peers: Peers): Promise<RunningSystem>;
}

export interface GatewayMode {
  readonly key: string;
  readonly label: string;
  readonly apiVersion: 'v1' | 'v2';
  readonly encoding: 'json' | 'thrift';
  readonly samplerArg: 0 | 1;
  /** V8 flags instead of GATEWAY_NODE_FLAGS: a mode that measures what those flags cost or save. */
  readonly nodeFlags?: readonly string[];
  /** Another build's main.js (BENCH_BASELINE_MAIN): the same mode before a change, measured in the same run. */
  readonly main?: string;
}

const GATEWAY_MODES: readonly GatewayMode[] = [
  { key: 'gateway-v2-json', label: 'gateway V2 JSON 100%', apiVersion: 'v2', encoding: 'json', samplerArg: 1 },
  { key: 'gateway-v1-thrift', label: 'gateway V1 Thrift 100%', apiVersion: 'v1', encoding: 'thrift', samplerArg: 1 },
  { key: 'gateway-v2-json-0', label: 'gateway V2 JSON 0%', apiVersion: 'v2', encoding: 'json', samplerArg: 0 },
  { key: 'gateway-v2-json-v8-default', label: 'gateway V2 JSON 100%, V8 default semi-space', apiVersion: 'v2', encoding: 'json', samplerArg: 1, nodeFlags: [] },
  ...baselineModes(process.env.BENCH_BASELINE_MAIN),
];

/** With BENCH_BASELINE_MAIN=<another build's dist/apps/gateway/src/main.js>: that build at 100% and 0%, in the same run. */
function baselineModes(main: string | undefined): GatewayMode[] {
  if (main === undefined || main === '') return [];
  return [
    { key: 'baseline-v2-json', label: 'baseline build V2 JSON 100%', apiVersion: 'v2', encoding: 'json', samplerArg: 1, main },
    { key: 'baseline-v2-json-0', label: 'baseline build V2 JSON 0%', apiVersion: 'v2', encoding: 'json', samplerArg: 0, main },
  ];
}

export const UPSTREAM_DIRECT: SystemUnderTest = {
  key: 'upstream',
  label: 'upstream direct (harness ceiling)',
  kind: 'upstream',
  spansPerRequest: 0,
  onSutCpu: false,
  inDefaultRun: true,
  start: (peers) =>
    Promise.resolve({
      pid: peers.pid,
      url: `${peers.upstreamUrl}${BENCH_PATH}`,
      forgetOutput: () => undefined,
      exitReason: () => undefined,
      allocatedBytes: () => Promise.resolve(undefined),
      stop: () => Promise.resolve(),
    }),
};

export const BARE_PROXY: SystemUnderTest = {
  key: 'bare',
  label: 'bare proxy (node:http + undici)',
  kind: 'bare',
  spansPerRequest: 0,
  onSutCpu: true,
  inDefaultRun: true,
  start: (peers) => startReferenceProcess('bare-proxy.js', peers),
};

/** The bare proxy's forwarding behind a Nest controller on Fastify: what the framework alone costs. */
export const NEST_FLOOR_PROXY: SystemUnderTest = {
  key: 'nest-floor',
  label: 'Nest + Fastify floor (bare forwarding in a controller)',
  kind: 'floor',
  spansPerRequest: 0,
  onSutCpu: true,
  inDefaultRun: true,
  start: (peers) => startReferenceProcess('nest-floor-proxy.js', peers),
};

export function gatewaySystem(mode: GatewayMode): SystemUnderTest {
  return {
    key: mode.key,
    label: mode.label,
    kind: 'gateway',
    spansPerRequest: mode.samplerArg === 1 ? 2 : 0,
    b3Sampled: mode.samplerArg === 1 ? '1' : '0',
    onSutCpu: true,
    inDefaultRun: mode.nodeFlags === undefined && mode.main === undefined,
    start: (peers) => startGatewayProcess(peers, mode),
  };
}

export const ALL_SYSTEMS: readonly SystemUnderTest[] = [UPSTREAM_DIRECT, BARE_PROXY, NEST_FLOOR_PROXY, ...GATEWAY_MODES.map(gatewaySystem)];

/** The gateway as `npm start` runs it (access log on, defaults), pointed at the peers, pinned alone. */
export async function startGatewayProcess(peers: Peers, mode: GatewayMode): Promise<RunningSystem> {
  const gateway = await startGateway({ ...gatewayEnv(peers, mode), NODE_OPTIONS: `--require ${ALLOC_PROBE}` }, undefined, mode.nodeFlags, mode.main);
  const pid = gateway.child.pid;
  if (pid === undefined) throw new Error('gateway has no pid');
  let probeReads = 0;
  pinProcess(pid, SUT_CPU);
  return {
    pid,
    url: `${gateway.url}${BENCH_PATH}`,
    // startGateway keeps every printed line; one access log line per request would grow without bound.
    forgetOutput: () => void gateway.output.splice(0, Math.max(0, gateway.output.length - 20)),
    exitReason: () => exitReasonOf(gateway.child, gateway.output),
    allocatedBytes: async () => {
      const sequence = (probeReads += 1);
      gateway.child.kill('SIGUSR2');
      return allocatedBytesOf(await gateway.waitForLine((line) => line.startsWith(`{"allocProbe":{"sequence":${sequence},`)));
    },
    stop: async () => {
      const code = await gateway.stop('SIGTERM');
      if (code !== 0) process.stderr.write(`gateway exited with ${code}: ${gateway.output.slice(-5).join('\n')}\n`);
    },
  };
}

/** The gateway's environment for one mode: the peers as ingress gateway and collector, one route to /kib. */
export function gatewayEnv(peers: Peers, mode: GatewayMode): Record<string, string> {
  return {
    INGRESS_GATEWAY_URL: peers.upstreamUrl,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: peers.collectorUrl,
    ZIPKIN_API_VERSION: mode.apiVersion,
    ZIPKIN_ENCODING: mode.encoding,
    OTEL_TRACES_SAMPLER_ARG: String(mode.samplerArg),
    OTEL_BSP_SCHEDULE_DELAY: String(FLUSH_INTERVAL_MS),
    ROUTES_FILE: writeYamlFile({ routes: [{ name: 'kib', path: BENCH_PATH, methods: ['GET'] }] }),
  };
}

/** How a child process ended, with the last lines it printed (other work on a shared checkout can kill it). */
export function exitReasonOf(child: ChildProcess, output: readonly string[]): string | undefined {
  if (child.exitCode === null && child.signalCode === null) return undefined;
  const how = child.signalCode !== null ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
  const last = output.filter((line) => !line.includes('"msg":"request"')).slice(-5);
  return last.length === 0 ? how : `${how}; last output: ${last.join(' | ').slice(0, 600)}`;
}

export function modeOf(key: string): GatewayMode {
  const mode = GATEWAY_MODES.find((m) => m.key === key);
  if (mode === undefined) throw new Error(`unknown gateway mode ${key}`);
  return mode;
}

/** Preloaded into every pinned system: SIGUSR2 prints its allocated bytes. */
const ALLOC_PROBE = join(__dirname, 'alloc-probe.js');

function allocatedBytesOf(probeLine: string): number {
  return (JSON.parse(probeLine) as { allocProbe: { totalAllocatedBytes: number } }).allocProbe.totalAllocatedBytes;
}

/** A reference proxy of bench/ (`<script> 0 <upstreamUrl>`, prints its port), pinned alone. */
async function startReferenceProcess(script: string, peers: Peers): Promise<RunningSystem> {
  const { command, args } = onCpu(SUT_CPU, process.execPath, ['--require', ALLOC_PROBE, join(__dirname, script), '0', peers.upstreamUrl]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const probeLines: Array<(line: string) => void> = [];
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  lines.on('line', (line) => probeLines.shift()?.(line));
  const { port } = JSON.parse(firstLine) as { port: number };
  if (child.pid === undefined) throw new Error(`${script} has no pid`);
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}${BENCH_PATH}`,
    forgetOutput: () => undefined,
    exitReason: () => exitReasonOf(child, []),
    allocatedBytes: () =>
      new Promise((resolve) => {
        probeLines.push((line) => resolve(allocatedBytesOf(line)));
        child.kill('SIGUSR2');
      }),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
