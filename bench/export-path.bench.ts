/**
 * `npm run bench:export`: what exporting its two spans costs one proxied request, per Zipkin encoding.
 * The SDK is wired as start-telemetry.ts wires it (TracerProvider, GatewaySampler, GatewayIdGenerator,
 * ExportingSpanProcessor, Zipkin only) with the sink createSpanSink builds from the default `zipkin` config (gzip on, real
 * sender) posting to the bench's counting collector in its own process; spans are started and ended as
 * ProxyService/ProxyExchange do for a GET on the bench route. Each encoding runs in its own process (one
 * encoder per process, as in the gateway, with the gateway's V8 flags), BENCH_EXPORT_RUNS times (default 3),
 * the encodings interleaved.
 *
 * Columns: CPU µs per request = this process's user+system time, all threads (gzip, HTTP), over
 * REQUESTS_PER_ROUND requests and their flush; sync µs = the synchronous start→end→report→queue part only;
 * heap bytes per request = V8's sampling heap profiler with objects collected by minor and major GC kept
 * (an unbiased estimate of all JS-heap bytes allocated; Buffer backing stores are outside the heap).
 *   node dist-tools/bench/export-path.bench.js [JSON_V1|THRIFT|JSON_V2|PROTO3 ...]
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import Module from 'node:module';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { GATEWAY_NODE_FLAGS } from '../apps/gateway/test/support/gateway-process';
import type { ZipkinConfig } from '../libs/config/src/gateway-config.dto';
import { BufferedLineWriter } from '../libs/tracing/src/output/buffered-line-writer';
import { extractInboundTrace } from '../libs/tracing/src/propagation/inbound-trace';
import { GatewaySampler } from '../libs/tracing/src/sdk/gateway-sampler';
import { startProxySpans } from '../libs/tracing/src/sdk/gateway-spans';
import { GatewayIdGenerator } from '../libs/tracing/src/sdk/trace-id-generator';
import { ExportingSpanProcessor } from '../libs/tracing/src/sdk/exporting-span-processor';
import { ZipkinMappingSink } from '../libs/tracing/src/zipkin/zipkin-mapping-sink';
import { REPORTER_METRIC_NAMES } from '../libs/tracing/src/zipkin/reporter/reporter-metrics';
import { MetricProbe } from '../libs/tracing/src/zipkin/reporter/testing/metric-probe';
import { ENDPOINT_ATTRIBUTE, TAG } from '../libs/tracing/src/zipkin/span-attributes';
import type { ZipkinEncodingName } from '../libs/tracing/src/zipkin/span-bytes-encoder';
import type { ZipkinSpanSink } from '../libs/tracing/src/zipkin/zipkin-span-sink';
import { startPeers } from './bench-peers';

const ENCODINGS: Readonly<Record<ZipkinEncodingName, Pick<ZipkinConfig, 'apiVersion' | 'encoding'>>> = {
  JSON_V1: { apiVersion: 'v1', encoding: 'json' },
  THRIFT: { apiVersion: 'v1', encoding: 'thrift' },
  JSON_V2: { apiVersion: 'v2', encoding: 'json' },
  PROTO3: { apiVersion: 'v2', encoding: 'proto3' },
};
const RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 3);
const WARMUP_REQUESTS = 30_000;
const REQUESTS_PER_ROUND = 20_000;
const ROUNDS = 3;
const PROFILED_REQUESTS = 5_000;
const SAMPLING_INTERVAL_BYTES = 512;
/**
 * Requests started and ended between flushes: 512 spans, one full message (messageMaxSpans). Flushing
 * each batch keeps the queue from filling while the collector answers (the gateway's own pace does that).
 */
const BATCH = 256;
const TOP_FUNCTIONS = 10;
/**
 * Stages whose inclusive bytes are shown: span start (SDK), span end (processor, mapping, encoder, queue),
 * message framing and delivery. The profiler sees physical frames: an inlined callee is charged to its caller.
 */
const STAGES = ['startProxySpans', 'onEnd', 'toZipkinSpan', 'encodeSpan', 'startMessage', 'deliverMessage'];

interface RunResult {
  readonly cpuMicros: number;
  readonly syncMicros: number;
  readonly heapBytes: number;
  readonly encodedBytes: number;
  readonly dropped: number;
  readonly top: ReadonlyArray<readonly [string, number]>;
  readonly stages: Readonly<Record<string, number>>;
}

interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

/**
 * tsc leaves `@app/<lib>` specifiers as written (Nest's build rewrites them), and the reporter imports
 * `@app/config`: map them to the tools build before the reporter is loaded.
 */
function resolveAppLibraries(): void {
  const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = loader._resolveFilename.bind(loader);
  loader._resolveFilename = (request, ...rest) => {
    const lib = /^@app\/([a-z-]+)$/.exec(request)?.[1];
    return resolve(lib === undefined ? request : join(__dirname, '..', 'libs', lib, 'src', 'index.js'), ...rest);
  };
}

interface ExportPipeline {
  readonly tracer: Tracer;
  readonly sink: ZipkinSpanSink;
  readonly probe: MetricProbe;
  readonly shutdown: () => Promise<void>;
}

/** start-telemetry's tracer provider, with the sink createSpanSink makes of the default `zipkin` and `spanExport` config. */
async function startExportPipeline(name: ZipkinEncodingName, collectorBaseUrl: string): Promise<ExportPipeline> {
  resolveAppLibraries();
  const { createSpanSink } = await import('../libs/tracing/src/zipkin/create-span-sink.js');
  const serviceName = 'external-proxy';
  const probe = new MetricProbe();
  const sink = createSpanSink(
    { endpoint: collectorBaseUrl, ...ENCODINGS[name], headers: {}, gzip: true },
    {
      queuedMaxSpans: 10000, queuedMaxBytes: 16777216, messageMaxBytes: 512000, messageMaxSpans: 512, flushIntervalMs: 200,
      requestTimeoutMs: 10000, maxInFlight: 2, maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10000, closeTimeoutMs: 5000,
    },
    probe.meter,
    new BufferedLineWriter(process.stderr),
    { warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) },
  );
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    sampler: new GatewaySampler('parentbased_traceidratio', 1),
    idGenerator: new GatewayIdGenerator(128),
    spanProcessors: [new ExportingSpanProcessor([new ZipkinMappingSink(sink, { serviceName })])],
  });
  return {
    tracer: provider.getTracer('external-proxy'),
    sink,
    probe,
    shutdown: async () => {
      await provider.shutdown();
      await probe.shutdown();
    },
  };
}

/**
 * One proxied GET on the bench route (`kib`, upstream on 127.0.0.1, as bench/systems-under-test.ts
 * configures it) from a caller without trace headers: ProxyService.startSpans, then endHttpSpan for the
 * CLIENT span (upstream done) and the SERVER span (response closed).
 */
function proxyRequests(tracer: Tracer): () => void {
  const upstreamPeer = { [TAG.httpRoute]: '/kib', [ENDPOINT_ATTRIBUTE.peerService]: 'istio-ingressgateway', [ENDPOINT_ATTRIBUTE.peerAddress]: '127.0.0.1', [ENDPOINT_ATTRIBUTE.peerPort]: 41234 };
  const noHeaders = {};
  let clientPort = 40000;
  return () => {
    clientPort = clientPort === 60999 ? 40000 : clientPort + 1;
    const spans = startProxySpans(tracer, extractInboundTrace(noHeaders), {
      name: 'GET kib',
      serverAttributes: () => ({
        [TAG.httpMethod]: 'GET', [TAG.httpPath]: '/kib', [TAG.httpRoute]: '/kib', [TAG.requestId]: randomUUID(),
        [ENDPOINT_ATTRIBUTE.peerAddress]: '127.0.0.1', [ENDPOINT_ATTRIBUTE.peerPort]: clientPort,
      }),
      clientAttributes: () => ({ [TAG.httpMethod]: 'GET', [TAG.httpPath]: '/kib', ...upstreamPeer }),
    });
    spans.client.setAttribute(TAG.httpStatusCode, String(200));
    spans.client.end();
    spans.server.setAttribute(TAG.httpStatusCode, String(200));
    spans.server.end();
  };
}

async function measureEncoding(name: ZipkinEncodingName, collectorBaseUrl: string): Promise<RunResult> {
  const { tracer, sink, probe, shutdown } = await startExportPipeline(name, collectorBaseUrl);
  const proxyRequest = proxyRequests(tracer);

  /** Runs `requests` requests in batches, each batch flushed as one message. */
  const run = async (requests: number): Promise<{ cpuMicros: number; syncMicros: number }> => {
    const cpuBefore = process.cpuUsage();
    let syncNanos = 0n;
    for (let done = 0; done < requests; done += BATCH) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) proxyRequest();
      syncNanos += process.hrtime.bigint() - started;
      await sink.flush();
    }
    const cpu = process.cpuUsage(cpuBefore);
    return { cpuMicros: (cpu.user + cpu.system) / requests, syncMicros: Number(syncNanos) / 1000 / requests };
  };

  await run(WARMUP_REQUESTS);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await run(REQUESTS_PER_ROUND));
  const bytesBefore = await probe.sum(REPORTER_METRIC_NAMES.spanBytes);
  const profile = await heapProfile(() => run(PROFILED_REQUESTS));
  const encodedBytes = ((await probe.sum(REPORTER_METRIC_NAMES.spanBytes)) - bytesBefore) / PROFILED_REQUESTS;
  const dropped = Object.values(await probe.sumsBy(REPORTER_METRIC_NAMES.spansDropped, 'cause')).reduce((a, b) => a + b, 0);
  await shutdown();
  return {
    cpuMicros: median(rounds.map((r) => r.cpuMicros)),
    syncMicros: median(rounds.map((r) => r.syncMicros)),
    ...summariseHeap(profile, PROFILED_REQUESTS),
    encodedBytes,
    dropped,
  };
}

async function heapProfile(work: () => Promise<unknown>): Promise<HeapNode> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: SAMPLING_INTERVAL_BYTES,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await work();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode } };
  session.disconnect();
  return profile.head;
}

/** Heap bytes per request: in all, by allocating function (self), and under each stage (inclusive). */
function summariseHeap(head: HeapNode, requests: number): Pick<RunResult, 'heapBytes' | 'top' | 'stages'> {
  const self = new Map<string, number>();
  const stages: Record<string, number> = Object.fromEntries(STAGES.map((stage) => [stage, 0]));
  let total = 0;
  const walk = (node: HeapNode, onStack: ReadonlySet<string>): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist-tools|node_modules)\//, '')}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    const stack = STAGES.includes(functionName) && !onStack.has(functionName) ? new Set([...onStack, functionName]) : onStack;
    for (const stage of stack) stages[stage] += node.selfSize;
    for (const child of node.children) walk(child, stack);
  };
  walk(head, new Set());
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP_FUNCTIONS).map(([key, bytes]) => [key, bytes / requests] as const);
  return { heapBytes: total / requests, top, stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v / requests])) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function runChild(name: ZipkinEncodingName, collectorUrl: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', name, collectorUrl], { execArgv: [...GATEWAY_NODE_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result: RunResult) => resolve(result));
    child.once('exit', (code) => reject(new Error(`${name} run exited with ${code} before reporting`)));
  });
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((arg): arg is ZipkinEncodingName => arg in ENCODINGS);
  const selected = names.length > 0 ? names : (Object.keys(ENCODINGS) as ZipkinEncodingName[]);
  const peers = await startPeers();
  const results = new Map<ZipkinEncodingName, RunResult[]>(selected.map((name) => [name, []]));
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const name of selected) {
        const result = await runChild(name, peers.collectorUrl);
        results.get(name)?.push(result);
        process.stdout.write(`run ${run}/${RUNS} ${name}: ${result.cpuMicros.toFixed(1)} µs CPU, ${result.syncMicros.toFixed(1)} µs sync, ${Math.round(result.heapBytes)} heap bytes per request\n`);
      }
    }
  } finally {
    await peers.stop();
  }
  process.stdout.write('\n| encoding | CPU µs/request | sync µs/request | heap bytes/request | encoded bytes/request | dropped |\n|---|--:|--:|--:|--:|--:|\n');
  for (const [name, runs] of results) {
    const range = (pick: (r: RunResult) => number, digits: number): string =>
      `${median(runs.map(pick)).toFixed(digits)} (${Math.min(...runs.map(pick)).toFixed(digits)}–${Math.max(...runs.map(pick)).toFixed(digits)})`;
    process.stdout.write(`| ${name} | ${range((r) => r.cpuMicros, 1)} | ${range((r) => r.syncMicros, 1)} | ${range((r) => r.heapBytes, 0)} | ${Math.round(median(runs.map((r) => r.encodedBytes)))} | ${runs.reduce((n, r) => n + r.dropped, 0)} |\n`);
  }
  for (const [name, runs] of results) {
    process.stdout.write(`\n${name}: heap bytes per request under each stage (inclusive), median of ${runs.length} runs\n`);
    process.stdout.write(`  ${STAGES.map((stage) => `${stage} ${Math.round(median(runs.map((r) => r.stages[stage] ?? 0)))}`).join(', ')}\n`);
    process.stdout.write(`${name}: top ${TOP_FUNCTIONS} allocating functions (self bytes per request, mean of ${runs.length} runs)\n`);
    const mean = new Map<string, number>();
    for (const run of runs) for (const [key, bytes] of run.top) mean.set(key, (mean.get(key) ?? 0) + bytes / runs.length);
    for (const [key, bytes] of [...mean].sort((a, b) => b[1] - a[1]).slice(0, TOP_FUNCTIONS)) {
      process.stdout.write(`  ${Math.round(bytes).toString().padStart(6)}  ${key}\n`);
    }
  }
  process.stdout.write(`\nnode ${process.version}; ${REQUESTS_PER_ROUND} requests × ${ROUNDS} rounds per run after ${WARMUP_REQUESTS} warm-up, ${PROFILED_REQUESTS} profiled (sampling every ${SAMPLING_INTERVAL_BYTES} bytes)\n`);
}

if (process.argv[2] === '--child') {
  const [name, collectorUrl] = process.argv.slice(3) as [ZipkinEncodingName, string];
  void measureEncoding(name, collectorUrl).then((result) => {
    process.send?.(result, () => process.exit(0));
  });
} else {
  void main();
}
