/**
 * `npm run soak`: SOAK_MINUTES (default 5, fractions allowed) at SOAK_RPS (default 200) through the built
 * gateway with its default config: the collector is healthy for the first third, down for the second,
 * healthy again for the last. Prints requests, spans (expected/received while the collector was healthy),
 * the gateway's RSS and memory, event-loop delay p99 and open sockets at start/middle/end, and PASS/FAIL for:
 * zero failed requests, zero spans lost while healthy, RSS growth < 10 % after warm-up.
 * The gateway is started with soak-heap-probe preloaded (plus SOAK_NODE_OPTIONS, e.g. --max-old-space-size=96,
 * and SOAK_GATEWAY_ENV, e.g. MALLOC_ARENA_MAX=2): the V8 heap in use after each full GC is the heap figure
 * (/metrics' nodejs_heap_size_used_bytes includes garbage not yet collected, so it saw-tooths).
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { isSettled, metricSum, reporterLedger, type ReporterLedger } from '../apps/gateway/test/support/eventually';
import { startGateway, type GatewayProcess } from '../apps/gateway/test/support/gateway-process';
import { socketCensus } from '../apps/gateway/test/support/process-sockets';
import { machineLine } from './bench-procfs';
import { CountingUpstream } from './counting-upstream';
import { SoakCollector } from './soak-collector';

const MINUTES = Number(process.env.SOAK_MINUTES ?? '5');
const RPS = Number(process.env.SOAK_RPS ?? '200');
const TOTAL_MS = MINUTES * 60_000;
const DOWN_AT_MS = TOTAL_MS / 3;
const UP_AT_MS = (2 * TOTAL_MS) / 3;
const WARM_UP_MS = Math.min(15_000, DOWN_AT_MS / 2);
const SAMPLE_EVERY_MS = Math.max(2000, Math.min(10_000, TOTAL_MS / 30));
const REQUEST_TIMEOUT_MS = 10_000;
/** The gateway's defaults (config/default.yaml) that decide when a span is out of the reporter's hands. */
const FLUSH_INTERVAL_MS = 1000;
const LAST_RETRY_DELAY_CAP_MS = 200 * 2 ** (5 - 2);
/** Spans of requests ending this long before the collector goes down must all arrive: a flush and a send. */
const GUARD_BEFORE_DOWN_MS = FLUSH_INTERVAL_MS + 1000;
/** After it comes back, the reporter first finishes its retry delay, then drains the backlog. */
const GUARD_AFTER_UP_MS = LAST_RETRY_DELAY_CAP_MS + FLUSH_INTERVAL_MS + 3000;

interface RequestRecord {
  readonly traceId: string;
  readonly startedAt: number;
  endedAt?: number;
  status?: number;
  error?: string;
}

interface Sample {
  readonly atMs: number;
  /** V8 heap in use after the last full GC before this sample (soak-heap-probe), MiB. */
  readonly liveHeapMiB: number;
  /** process.memoryUsage() of the gateway at most 5 s before this sample (soak-heap-probe), MiB. */
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  readonly rssMiB: number;
  readonly rssAnonMiB: number;
  readonly processMemoryMiB: number;
  readonly eventLoopP99Ms: number;
  readonly socketFds: number;
  readonly ledger: ReporterLedger;
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function procStatusKiB(pid: number, key: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
}

/** Heap in use after each full GC, from the preloaded probe's `{"soakHeapProbe":{"usedHeapBytes":…}}` lines. */
const liveHeap = { lastMiB: NaN, fullGcs: 0, heapTotalMiB: NaN, externalMiB: NaN };

function watchHeapProbe(gateway: GatewayProcess): void {
  if (gateway.child.stdout === null) return;
  createInterface({ input: gateway.child.stdout }).on('line', (line) => {
    if (line.startsWith('{"soakMemoryProbe"')) {
      const usage = (JSON.parse(line) as { soakMemoryProbe: NodeJS.MemoryUsage }).soakMemoryProbe;
      liveHeap.heapTotalMiB = mib(usage.heapTotal);
      liveHeap.externalMiB = mib(usage.external);
      return;
    }
    if (!line.startsWith('{"soakHeapProbe"')) return;
    liveHeap.lastMiB = mib((JSON.parse(line) as { soakHeapProbe: { usedHeapBytes: number } }).soakHeapProbe.usedHeapBytes);
    liveHeap.fullGcs += 1;
  });
}

async function sample(gateway: GatewayProcess, startedAt: number): Promise<Sample> {
  const pid = gateway.child.pid ?? 0;
  const metrics = await fetchText(`${gateway.adminUrl}/metrics`);
  return {
    atMs: performance.now() - startedAt,
    liveHeapMiB: liveHeap.lastMiB,
    heapTotalMiB: liveHeap.heapTotalMiB,
    externalMiB: liveHeap.externalMiB,
    rssMiB: mib(procStatusKiB(pid, 'VmRSS') * 1024),
    rssAnonMiB: mib(procStatusKiB(pid, 'RssAnon') * 1024),
    processMemoryMiB: mib(metricSum(metrics, 'process_resident_memory_bytes')),
    // The gauge covers the time since the previous scrape (the histogram resets on each): one window per sample.
    eventLoopP99Ms: Math.round(metricSum(metrics, 'nodejs_eventloop_delay_seconds', { quantile: '0.99' }) * 100_000) / 100,
    socketFds: socketCensus(pid).socketFds,
    ledger: reporterLedger(metrics),
  };
}

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve(text));
    })
      .once('error', reject)
      .end();
  });
}

/** Open-loop load: requests go out on schedule whether or not earlier ones have answered. */
function startLoad(url: string, records: RequestRecord[], startedAt: number): { stop: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.floor((TOTAL_MS / 1000) * RPS);
  const fire = (n: number): void => {
    const record: RequestRecord = { traceId: `50a4${n.toString(16).padStart(28, '0')}`, startedAt: performance.now() - startedAt };
    records.push(record);
    const end = (status: number | undefined, error?: string): void => {
      if (record.endedAt !== undefined) return;
      record.endedAt = performance.now() - startedAt;
      record.status = status;
      if (error !== undefined) record.error = error;
    };
    const req = request(url, { agent, headers: { 'x-b3-traceid': record.traceId, 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': '1' } }, (res) => {
      res.resume();
      res.once('end', () => end(res.statusCode));
      res.once('error', (error: NodeJS.ErrnoException) => end(res.statusCode, error.code ?? error.message));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.once('error', (error: NodeJS.ErrnoException) => end(undefined, error.code ?? error.message));
    req.end();
  };
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * RPS));
    while (sent < due) fire(sent++);
    if (sent >= total) clearInterval(timer);
  }, 5);
  return { stop: () => (clearInterval(timer), agent.destroy()) };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] * 100) / 100;
}

async function main(): Promise<void> {
  console.log(`soak: ${MINUTES} min at ${RPS} req/s; collector down ${(DOWN_AT_MS / 1000).toFixed(0)}–${(UP_AT_MS / 1000).toFixed(0)} s`);
  console.log(`machine: ${machineLine()}`);
  const upstream = new CountingUpstream();
  const collector = new SoakCollector();
  const [upstreamUrl, collectorUrl] = await Promise.all([upstream.start(), collector.start()]);
  const nodeOptions = [`--require ${join(__dirname, 'soak-heap-probe.js')}`, process.env.SOAK_NODE_OPTIONS ?? ''].join(' ').trim();
  // `NAME=value,NAME2=value2`: extra environment for the gateway process, for memory investigations.
  const extraEnv = Object.fromEntries((process.env.SOAK_GATEWAY_ENV ?? '').split(',').filter((pair) => pair.includes('=')).map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]));
  console.log(`gateway: default config, NODE_OPTIONS=${nodeOptions}${Object.keys(extraEnv).length > 0 ? `, ${JSON.stringify(extraEnv)}` : ''}`);
  const gateway = await startGateway({ ...extraEnv, INGRESS_GATEWAY_URL: upstreamUrl, OTEL_EXPORTER_ZIPKIN_ENDPOINT: collectorUrl, NODE_OPTIONS: nodeOptions });
  watchHeapProbe(gateway);
  // The harness keeps no access-log line: a long run would otherwise grow this process, not the gateway.
  gateway.child.stdout?.on('data', () => gateway.output.splice(0, gateway.output.length));

  const records: RequestRecord[] = [];
  const samples: Sample[] = [];
  const startedAt = performance.now();
  const load = startLoad(`${gateway.url}/`, records, startedAt);
  let collectorDown = false;
  let warmUpSample: Sample | undefined;
  let middleSample: Sample | undefined;
  const progress = (current: Sample): void => {
    const done = records.filter((x) => x.endedAt !== undefined);
    console.log(
      `  t=${(current.atMs / 1000).toFixed(0).padStart(4)} s collector=${collectorDown ? 'down' : 'up  '} requests=${records.length} ok=${done.filter((x) => x.status === 200).length} failed=${done.filter((x) => x.status !== 200).length} ` +
        `rss=${current.rssMiB} MiB heap.live=${current.liveHeapMiB} heap.total=${current.heapTotalMiB} ext=${current.externalMiB} MiB anon=${current.rssAnonMiB} MiB loop.p99=${current.eventLoopP99Ms} ms socket-fds=${current.socketFds} queue=${current.ledger.queued} spans.sent=${current.ledger.sent} dropped=${JSON.stringify(current.ledger.droppedByCause)}`,
    );
  };
  const takeSample = async (): Promise<Sample> => {
    const current = await sample(gateway, startedAt);
    samples.push(current);
    progress(current);
    return current;
  };
  // One timeline: samples every SAMPLE_EVERY_MS, plus the warm-up mark and the outage.
  const schedule: Array<{ readonly at: number; readonly run: () => Promise<void> }> = [
    { at: WARM_UP_MS, run: async () => void (warmUpSample = await takeSample()) },
    {
      at: DOWN_AT_MS,
      run: async () => {
        collectorDown = true;
        await collector.down();
      },
    },
    {
      at: UP_AT_MS,
      run: async () => {
        middleSample = await takeSample();
        await collector.up();
        collectorDown = false;
      },
    },
    ...Array.from({ length: Math.floor(TOTAL_MS / SAMPLE_EVERY_MS) }, (_, i) => ({ at: (i + 1) * SAMPLE_EVERY_MS, run: async () => void (await takeSample()) })),
    { at: TOTAL_MS, run: async () => void (await takeSample()) },
  ].sort((a, b) => a.at - b.at);
  for (const step of schedule) {
    await delay(Math.max(0, step.at - (performance.now() - startedAt)));
    await step.run();
  }
  const endSample = samples[samples.length - 1];
  // Requests in flight finish (bounded by their timeout), then the reporter settles (bounded).
  for (let waited = 0; records.some((r) => r.endedAt === undefined) && waited < REQUEST_TIMEOUT_MS + 5000; waited += 100) await delay(100);
  load.stop();
  let ledger = reporterLedger(await fetchText(`${gateway.adminUrl}/metrics`));
  for (let waited = 0; !isSettled(ledger) && waited < 30_000; waited += 250) {
    await delay(250);
    ledger = reporterLedger(await fetchText(`${gateway.adminUrl}/metrics`));
  }
  const exitCode = await gateway.stop('SIGTERM');
  report({ records, samples, warmUp: warmUpSample ?? samples[0], middle: middleSample ?? endSample, end: endSample, ledger, collector, upstreamRequests: upstream.counts().requests, exitCode });
  upstream.close();
  await collector.close();
}

interface Report {
  readonly records: RequestRecord[];
  readonly samples: Sample[];
  readonly warmUp: Sample;
  readonly middle: Sample;
  readonly end: Sample;
  readonly ledger: ReporterLedger;
  readonly collector: SoakCollector;
  readonly upstreamRequests: number;
  readonly exitCode: number | null;
}

function report(r: Report): void {
  const failed = r.records.filter((x) => x.status !== 200);
  const failures = new Map<string, number>();
  for (const x of failed) failures.set(x.error ?? `HTTP ${x.status}`, (failures.get(x.error ?? `HTTP ${x.status}`) ?? 0) + 1);
  const windows: Array<[string, (x: RequestRecord) => boolean, boolean]> = [
    ['healthy, before the outage', (x) => (x.endedAt ?? Infinity) <= DOWN_AT_MS - GUARD_BEFORE_DOWN_MS, true],
    [`guard: last ${GUARD_BEFORE_DOWN_MS / 1000} s before the outage`, (x) => (x.endedAt ?? Infinity) > DOWN_AT_MS - GUARD_BEFORE_DOWN_MS && x.startedAt < DOWN_AT_MS, false],
    ['collector down', (x) => x.startedAt >= DOWN_AT_MS && x.startedAt < UP_AT_MS, false],
    [`guard: first ${GUARD_AFTER_UP_MS / 1000} s after recovery`, (x) => x.startedAt >= UP_AT_MS && x.startedAt < UP_AT_MS + GUARD_AFTER_UP_MS, false],
    ['healthy, after recovery', (x) => x.startedAt >= UP_AT_MS + GUARD_AFTER_UP_MS, true],
  ];
  let lostWhileHealthy = 0;
  let expectedWhileHealthy = 0;
  console.log('\nrequests');
  console.log(`  sent ${r.records.length}, succeeded ${r.records.length - failed.length}, failed ${failed.length}${failures.size > 0 ? ` ${JSON.stringify(Object.fromEntries(failures))}` : ''}; upstream saw ${r.upstreamRequests}`);
  console.log('latency (ms) and spans by window');
  for (const [name, inWindow, healthy] of windows) {
    const inside = r.records.filter(inWindow);
    const latencies = inside.filter((x) => x.status === 200).map((x) => (x.endedAt ?? 0) - x.startedAt);
    const expected = 2 * inside.filter((x) => x.status === 200).length;
    const received = inside.reduce((sum, x) => sum + Math.min(2, r.collector.spansOf(x.traceId)), 0);
    if (healthy) {
      expectedWhileHealthy += expected;
      lostWhileHealthy += expected - received;
    }
    console.log(`  ${name.padEnd(40)} requests ${String(inside.length).padStart(6)}  p50 ${percentile(latencies, 0.5)}  p99 ${percentile(latencies, 0.99)}  spans expected ${expected} received ${received}`);
  }
  const l = r.ledger;
  console.log(`reporter: reported ${l.reported} = sent ${l.sent} + dropped ${l.dropped} ${JSON.stringify(l.droppedByCause)} + queued ${l.queued}; collector counted ${r.collector.totalSpans} spans in ${r.collector.messages} messages (${r.collector.decodeErrors} undecodable)`);
  console.log('gateway process                start (after warm-up)   middle (end of outage)   end');
  const row = (label: string, pick: (s: Sample) => number | string): void => console.log(`  ${label.padEnd(30)} ${String(pick(r.warmUp)).padStart(10)} ${String(pick(r.middle)).padStart(22)} ${String(pick(r.end)).padStart(16)}`);
  row('VmRSS MiB', (s) => s.rssMiB);
  row('V8 heap live after full GC MiB', (s) => s.liveHeapMiB);
  row('V8 heap reserved (heapTotal) MiB', (s) => s.heapTotalMiB);
  row('external + Buffers MiB', (s) => s.externalMiB);
  row('RssAnon MiB (heap + buffers)', (s) => s.rssAnonMiB);
  row('process_resident_memory_bytes MiB', (s) => s.processMemoryMiB);
  row('socket fds', (s) => s.socketFds);
  row('event-loop delay p99 ms', (s) => s.eventLoopP99Ms);
  const loopP99s = r.samples.map((s) => s.eventLoopP99Ms);
  console.log(`  event-loop delay p99 over ${loopP99s.length} scrape windows: median ${percentile(loopP99s, 0.5)} ms, max ${Math.max(...loopP99s)} ms (the gauge already excludes its sampling interval)`);
  console.log(`  V8 heap: live heap after full GC from soak-heap-probe (/metrics' nodejs_heap_size_used_bytes includes uncollected garbage), ${liveHeap.fullGcs} full GCs in the run`);
  console.log(`  exit code after SIGTERM: ${r.exitCode}`);
  // V8's heap saw-tooths by tens of MiB under load; a leak raises the floor. Floors: the lowest sample of a window.
  const floor = (from: number, to: number, pick: (s: Sample) => number = (s) => s.rssMiB): number => {
    const inWindow = r.samples.filter((s) => s.atMs >= from && s.atMs <= to + 1000).map(pick);
    return inWindow.length > 0 ? Math.min(...inWindow) : pick(r.end);
  };
  const baseFloor = floor(WARM_UP_MS, DOWN_AT_MS);
  const endFloor = floor(UP_AT_MS + GUARD_AFTER_UP_MS, TOTAL_MS);
  console.log(`  V8 live heap after full GC: ${floor(WARM_UP_MS, DOWN_AT_MS, (s) => s.liveHeapMiB)} MiB (lowest before the outage) → ${floor(UP_AT_MS + GUARD_AFTER_UP_MS, TOTAL_MS, (s) => s.liveHeapMiB)} MiB (lowest after recovery)`);
  const growth = (endFloor - baseFloor) / baseFloor;
  console.log(`  RSS floor: ${baseFloor} MiB after warm-up (until the outage), ${endFloor} MiB after recovery; end sample vs warm-up sample: ${(((r.end.rssMiB - r.warmUp.rssMiB) / r.warmUp.rssMiB) * 100).toFixed(1)} %; peak sample ${Math.max(...r.samples.map((s) => s.rssMiB))} MiB`);
  const verdicts: Array<[string, boolean, string]> = [
    ['zero failed requests', failed.length === 0, `${failed.length} failed`],
    ['zero spans lost while the collector was healthy', lostWhileHealthy === 0, `${lostWhileHealthy} of ${expectedWhileHealthy} lost`],
    ['RSS growth < 10 % after warm-up (floor to floor)', growth < 0.1, `${(growth * 100).toFixed(1)} % (${baseFloor} → ${endFloor} MiB)`],
  ];
  console.log('verdict');
  for (const [criterion, pass, figure] of verdicts) console.log(`  ${pass ? 'PASS' : 'FAIL'}  ${criterion}: ${figure}`);
  process.exitCode = verdicts.every(([, pass]) => pass) ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
