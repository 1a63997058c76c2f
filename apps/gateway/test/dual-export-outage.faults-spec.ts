import { COLLECTOR_BEHAVIOURS, StandInCollector, type CollectorBehaviour } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { decodeOtlpProtobuf } from '../../../libs/tracing/src/otlp/testing/otlp-decoders';
import { eventually, isSettled, metricSum, reporterLedger, type ReporterLedger } from './support/eventually';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { send } from './support/http-client';
import { loadPhase, p99Of } from './support/load-phase';
import { StandInUpstream } from './support/stand-in-upstream';

/** A SIGTERM may wait for a message in flight to a collector that hung: drain grace plus closeTimeoutMs plus exit. */
const STOP_TIMEOUT_MS = 20_000;
const REQUESTS_PER_PHASE = 600;
const ROUNDS = 3;
/** The regression bound of collector-outage.faults-spec.ts: far below the 2 s a coupled request path would add. */
const P99_REGRESSION_RATIO = 3;
const P99_FLOOR_MS = 250;

type Exporter = 'zipkin' | 'otlp';
const OTLP_OK: CollectorBehaviour = { kind: 'answer', status: 200 };
const HEALTHY: Readonly<Record<Exporter, CollectorBehaviour>> = { zipkin: COLLECTOR_BEHAVIOURS.accept, otlp: OTLP_OK };
const OTHER: Readonly<Record<Exporter, Exporter>> = { zipkin: 'otlp', otlp: 'zipkin' };

/** Each collector state, for either exporter's collector (OTLP retries 503, rejects 500 and 400). */
const FAULTS: ReadonlyArray<readonly [string, CollectorBehaviour | 'down']> = [
  ['down', 'down'],
  ['hanging', COLLECTOR_BEHAVIOURS.hang],
  ['slow (2 s answers)', { kind: 'answer', status: 200, delayMs: 2000 }],
  ['answering 400', COLLECTOR_BEHAVIOURS.reject],
  ['answering 429', COLLECTOR_BEHAVIOURS.throttle],
  ['answering 503', { kind: 'answer', status: 503, body: 'Service Unavailable' }],
  ['answering 500', COLLECTOR_BEHAVIOURS.fail],
  ['resetting', COLLECTOR_BEHAVIOURS.reset],
];

describe('one exporter\'s collector failing under load, dual export (gateway process)', () => {
  let upstream: StandInUpstream;
  const collectors = {} as Record<Exporter, StandInCollector>;
  let gateway: GatewayProcess;
  const results = new Map<string, Record<string, number>>();

  const ledgers = async (): Promise<Record<Exporter, ReporterLedger>> => {
    const text = (await send(`${gateway.adminUrl}/metrics`)).body;
    return { zipkin: reporterLedger(text, 'zipkin'), otlp: reporterLedger(text, 'otlp') };
  };

  beforeAll(async () => {
    [upstream, collectors.zipkin, collectors.otlp] = await Promise.all([new StandInUpstream().start(), StandInCollector.start(), StandInCollector.start()]);
    collectors.otlp.setMode(OTLP_OK);
    gateway = await startGateway({
      INGRESS_GATEWAY_URL: upstream.url,
      OTEL_TRACES_EXPORTER: 'zipkin,otlp',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: collectors.zipkin.baseUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectors.otlp.baseUrl,
      ACCESS_LOG: 'false',
    });
    await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE); // warm-up: JIT, pools
  }, 60_000);

  afterAll(async () => {
    process.stdout.write(`dual export, p99 by failing collector: ${JSON.stringify(Object.fromEntries(results))}\n`);
    await gateway.stop();
    await Promise.all([upstream.close(), collectors.zipkin.close(), collectors.otlp.close()]);
  }, STOP_TIMEOUT_MS);

  describe.each<Exporter>(['otlp', 'zipkin'])('the %s collector failing', (failing) => {
    const healthy = OTHER[failing];

    it.each(FAULTS)(`should serve every request at the healthy p99 and deliver every span to the other collector while it is %s`, async (name, behaviour) => {
      const healthyLatencies: number[] = [];
      const faultyLatencies: number[] = [];
      let failed = 0;
      const before = await eventually(ledgers, (l) => isSettled(l[healthy]), 10_000);
      for (let round = 0; round < ROUNDS; round += 1) {
        collectors[failing].setMode(HEALTHY[failing]);
        const calm = await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE / ROUNDS);
        if (behaviour === 'down') await collectors[failing].down();
        else collectors[failing].setMode(behaviour);
        const during = await loadPhase(`${gateway.url}/`, REQUESTS_PER_PHASE / ROUNDS);
        if (behaviour === 'down') await collectors[failing].up();
        healthyLatencies.push(...calm.latencies);
        faultyLatencies.push(...during.latencies);
        failed += calm.failed + during.failed;
      }
      collectors[failing].setMode(HEALTHY[failing]);
      const after = await eventually(ledgers, (l) => isSettled(l[healthy]) && l[healthy].reported - before[healthy].reported === 4 * REQUESTS_PER_PHASE, 10_000);
      const figures = { healthyP99Ms: p99Of(healthyLatencies), p99Ms: p99Of(faultyLatencies), failed };
      results.set(`${failing} ${name}`, figures);
      expect(failed).toBe(0);
      expect(figures.p99Ms).toBeLessThanOrEqual(figures.healthyP99Ms * P99_REGRESSION_RATIO + P99_FLOOR_MS);
      // Two spans per request, 2 × REQUESTS_PER_PHASE requests: the healthy exporter sent every one, dropped none.
      expect({
        reported: after[healthy].reported - before[healthy].reported,
        sent: after[healthy].sent - before[healthy].sent,
        dropped: after[healthy].dropped - before[healthy].dropped,
      }).toEqual({ reported: 4 * REQUESTS_PER_PHASE, sent: 4 * REQUESTS_PER_PHASE, dropped: 0 });
    }, 60_000);
  });

  describe('the OTLP queue with small limits while its collector hangs', () => {
    const QUEUED_MAX_SPANS = 500;
    const QUEUED_MAX_BYTES = 256 * 1024;
    const REQUESTS = 1200;
    let small: GatewayProcess;
    // Collectors of its own: the other gateway's last messages must not land in these counts.
    const own = {} as Record<Exporter, StandInCollector>;

    beforeAll(async () => {
      [own.zipkin, own.otlp] = await Promise.all([StandInCollector.start(), StandInCollector.start()]);
      own.otlp.setMode(OTLP_OK);
      small = await startGateway({
        INGRESS_GATEWAY_URL: upstream.url,
        OTEL_TRACES_EXPORTER: 'zipkin,otlp',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: own.zipkin.baseUrl,
        OTEL_EXPORTER_OTLP_ENDPOINT: own.otlp.baseUrl,
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_BSP_MAX_QUEUE_SIZE: String(QUEUED_MAX_SPANS),
        SPAN_EXPORT_QUEUED_MAX_BYTES: String(QUEUED_MAX_BYTES),
        SPAN_EXPORT_MESSAGE_MAX_BYTES: String(64 * 1024),
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BSP_EXPORT_TIMEOUT: '2000',
        SPAN_EXPORT_MAX_ATTEMPTS: '3',
        ACCESS_LOG: 'false',
      });
    }, 60_000);

    afterAll(async () => {
      await small.stop();
      await Promise.all([own.zipkin.close(), own.otlp.close()]);
    }, STOP_TIMEOUT_MS);

    it('should hold the OTLP queue within its limits, account for every span exactly, and deliver every Zipkin span', async () => {
      await loadPhase(`${small.url}/`, REQUESTS); // warm-up with both collectors up
      own.otlp.setMode(COLLECTOR_BEHAVIOURS.hang);
      let maxQueued = 0;
      let maxQueuedBytes = 0;
      let sampling = true;
      const sampler = (async (): Promise<void> => {
        while (sampling) {
          const metrics = (await send(`${small.adminUrl}/metrics`)).body;
          maxQueued = Math.max(maxQueued, metricSum(metrics, 'zipkin_reporter_queue_spans', { exporter: 'otlp' }));
          maxQueuedBytes = Math.max(maxQueuedBytes, metricSum(metrics, 'zipkin_reporter_queue_bytes', { exporter: 'otlp' }));
        }
      })();
      const outage = [await loadPhase(`${small.url}/`, REQUESTS), await loadPhase(`${small.url}/`, REQUESTS)];
      sampling = false;
      await sampler;
      own.otlp.setMode(OTLP_OK);
      const settled = async (): Promise<Record<Exporter, ReporterLedger>> => {
        const text = (await send(`${small.adminUrl}/metrics`)).body;
        return { zipkin: reporterLedger(text, 'zipkin'), otlp: reporterLedger(text, 'otlp') };
      };
      const ledger = await eventually(settled, (l) => isSettled(l.zipkin) && isSettled(l.otlp), 20_000);
      // Spans in acknowledged OTLP requests only: a hung request was recorded by the collector, then retried.
      const acknowledged = (): number => own.otlp.requests.filter((r) => r.behaviour.kind === 'answer').reduce((n, r) => n + decodeOtlpProtobuf(r.body).length, 0);
      const collected = await eventually(acknowledged, (n) => n >= ledger.otlp.sent, 5000);
      process.stdout.write(`dual export, OTLP collector hanging, small queue: ${JSON.stringify({ maxQueued, maxQueuedBytes, ledger, collected })}\n`);

      const spans = 3 * 2 * REQUESTS;
      expect(outage.map((phase) => phase.failed)).toEqual([0, 0]);
      expect(maxQueued).toBeLessThanOrEqual(QUEUED_MAX_SPANS);
      expect(maxQueuedBytes).toBeLessThanOrEqual(QUEUED_MAX_BYTES);
      expect(ledger.otlp.droppedByCause.queue_full ?? 0).toBeGreaterThan(0);
      expect({ reported: ledger.otlp.reported, accounted: ledger.otlp.sent + ledger.otlp.dropped, collected }).toEqual({ reported: spans, accounted: spans, collected: ledger.otlp.sent });
      expect({ reported: ledger.zipkin.reported, sent: ledger.zipkin.sent, dropped: ledger.zipkin.dropped }).toEqual({ reported: spans, sent: spans, dropped: 0 });
    }, 60_000);
  });
});
