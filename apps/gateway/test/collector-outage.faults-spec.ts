import { readFileSync } from 'node:fs';
import { COLLECTOR_BEHAVIOURS, type CollectorBehaviour, type StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { eventually, isSettled, metricSum, reporterLedger } from './support/eventually';
import { closeStandIns, gatewayEnv, startStandIns } from './support/gateway-env';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import { CONNECTIONS, loadPhase, p99Of } from './support/load-phase';
import type { StandInUpstream } from './support/stand-in-upstream';

/**
 * A SIGTERM may wait for a message still in flight to a collector that hung earlier: 1 s drain grace plus
 * closeTimeoutMs (5 s) plus process exit, beyond Jest's default hook timeout.
 */
const STOP_TIMEOUT_MS = 20_000;

/** One load phase: CONNECTIONS keep-alive clients, REQUESTS_PER_PHASE requests in all, back to back. */
const REQUESTS_PER_PHASE = 1200;
const ROUNDS = 3;
/**
 * The bar is "p99 within 10 % of the healthy run". On this shared 2-core VM two healthy runs
 * side by side differ by more than that (the A/A row: up to +50 % measured), so 10 % is printed as a
 * figure per state, and the assertion is a regression bound a collector-coupled request path could not
 * meet: the slow collector answers after 2 s and the hanging one after 10 s, which would put them in p99.
 * The bound has the headroom a run with another process keeping a core busy needs (seen there: a healthy
 * p99 of 5 ms next to 28 ms for the same code, and in the dual-export spec a 7 ms healthy p99 next to a
 * 75 ms one while a collector answered 500), and still sits far below the 2 s a coupled path would add.
 */
const P99_TARGET_RATIO = 1.1;
const P99_REGRESSION_RATIO = 3;
const P99_FLOOR_MS = 250;

function rssMiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

describe('collector outages under load (gateway process)', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;

  beforeAll(async () => {
    ({ upstream, collector } = await startStandIns());
  });

  afterAll(() => closeStandIns({ upstream, collector }));

  describe('request latency with the default reporter settings', () => {
    let gateway: GatewayProcess;
    const results = new Map<string, Record<string, number>>();

    beforeAll(async () => {
      gateway = await startGateway(gatewayEnv({ upstream, collector }, { ACCESS_LOG: 'false' }));
      await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE); // warm-up: JIT, pools
    }, 60_000);

    afterAll(async () => {
      collector.setMode(COLLECTOR_BEHAVIOURS.accept);
      process.stdout.write(`p99 by collector state, each after its own healthy run (${CONNECTIONS} connections, ${REQUESTS_PER_PHASE} requests each): ${JSON.stringify(Object.fromEntries(results))}\n`);
      await gateway.stop();
    }, STOP_TIMEOUT_MS);

    it.each<[string, CollectorBehaviour | 'down']>([
      ['down', 'down'],
      ['hanging', COLLECTOR_BEHAVIOURS.hang],
      ['slow (2 s answers)', { kind: 'answer', status: 202, delayMs: 2000 }],
      ['answering 400', COLLECTOR_BEHAVIOURS.reject],
      ['answering 429', COLLECTOR_BEHAVIOURS.throttle],
      ['answering 500', COLLECTOR_BEHAVIOURS.fail],
      ['resetting', COLLECTOR_BEHAVIOURS.reset],
      ['healthy (A/A: the noise floor)', COLLECTOR_BEHAVIOURS.accept],
    ])('should serve every request, at the healthy p99, while the collector is %s', async (name, behaviour) => {
      // Interleaved rounds, healthy then faulty, latencies pooled per side: this VM's speed drifts over
      // seconds, and a pooled p99 over rounds taken side by side compares like with like.
      const healthy: number[] = [];
      const faulty: number[] = [];
      let failed = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        collector.setMode(COLLECTOR_BEHAVIOURS.accept);
        const before = await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE / ROUNDS);
        if (behaviour === 'down') await collector.down();
        else collector.setMode(behaviour);
        const during = await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE / ROUNDS);
        if (behaviour === 'down') await collector.up();
        healthy.push(...before.latencies);
        faulty.push(...during.latencies);
        failed += before.failed + during.failed;
      }
      const figures = { healthyP99Ms: p99Of(healthy), p99Ms: p99Of(faulty), failed, within10Percent: Number(p99Of(faulty) <= p99Of(healthy) * P99_TARGET_RATIO) };
      results.set(name, figures);
      if (failed > 0) throw new Error(`${failed} requests failed; gateway exit code ${gateway.child.exitCode}, signal ${gateway.child.signalCode}`);
      expect(faulty).toHaveLength(REQUESTS_PER_PHASE);
      expect(figures.p99Ms).toBeLessThanOrEqual(figures.healthyP99Ms * P99_REGRESSION_RATIO + P99_FLOOR_MS);
    }, 60_000);
  });

  describe('memory and counters with small queue limits and the collector hanging', () => {
    const QUEUED_MAX_SPANS = 500;
    const QUEUED_MAX_BYTES = 256 * 1024;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      collector.setMode(COLLECTOR_BEHAVIOURS.accept);
      collector.clearRequests();
      gateway = await startGateway(
        gatewayEnv(
          {
            upstream,
            collector,
            // Each attempt hangs for 2 s and maxInFlight is 2: spans arrive far faster than messages end.
            config: { spanExport: { queuedMaxSpans: QUEUED_MAX_SPANS, queuedMaxBytes: QUEUED_MAX_BYTES, messageMaxBytes: 64 * 1024, flushIntervalMs: 100, requestTimeoutMs: 2000, maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 } },
          },
          { ACCESS_LOG: 'false' },
        ),
      );
    });

    afterAll(async () => {
      await gateway.stop();
    }, STOP_TIMEOUT_MS);

    it('should hold the queue within its limits and account for every span exactly', async () => {
      const pid = gateway.child.pid ?? 0;
      await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE); // warm-up with the collector up
      const rssBefore = rssMiB(pid);
      collector.setMode(COLLECTOR_BEHAVIOURS.hang);
      let maxQueued = 0;
      let maxQueuedBytes = 0;
      let sampling = true;
      const sampler = (async (): Promise<void> => {
        while (sampling) {
          const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
          maxQueued = Math.max(maxQueued, metricSum(metrics, 'zipkin_reporter_queue_spans'));
          maxQueuedBytes = Math.max(maxQueuedBytes, metricSum(metrics, 'zipkin_reporter_queue_bytes'));
        }
      })();
      const outage = [await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE), await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE)];
      sampling = false;
      await sampler;
      const rssDuring = rssMiB(pid);
      collector.setMode(COLLECTOR_BEHAVIOURS.accept);
      const ledger = await eventually(async () => reporterLedger((await send(`${gateway.adminUrl}/metrics`)).body), isSettled, 20_000);
      // Spans in acknowledged messages only: a hung request was recorded by the collector, then retried.
      const acknowledged = (): number => collector.requests.filter((r) => r.behaviour.kind === 'answer').reduce((n, r) => n + (JSON.parse(r.body.toString()) as unknown[]).length, 0);
      const collected = await eventually(acknowledged, (n) => n >= ledger.sent, 5000);
      process.stdout.write(`collector hanging, small queue: ${JSON.stringify({ maxQueued, maxQueuedBytes, rssBefore, rssDuring, ledger, collected })}\n`);

      expect(outage.map((phase) => phase.failed)).toEqual([0, 0]);
      expect(maxQueued).toBeLessThanOrEqual(QUEUED_MAX_SPANS);
      expect(maxQueuedBytes).toBeLessThanOrEqual(QUEUED_MAX_BYTES);
      expect(ledger.droppedByCause.queue_full ?? 0).toBeGreaterThan(0);
      // 3 × 1200 requests × 2 spans: every one reported, then sent or dropped; the collector holds exactly the sent ones.
      expect({ reported: ledger.reported, accounted: ledger.sent + ledger.dropped, collected }).toEqual({ reported: 3 * 2 * REQUESTS_PER_PHASE, accounted: 3 * 2 * REQUESTS_PER_PHASE, collected: ledger.sent });
      // RSS is printed, not asserted: V8 grows its heap under this load whatever the collector does (the
      // soak shows RSS swinging by 60 MiB with no leak), so the queue gauges above are the proof of the bound.
    }, 60_000);
  });
});
