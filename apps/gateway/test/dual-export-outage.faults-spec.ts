import { COLLECTOR_BEHAVIOURS, StandInCollector, type CollectorBehaviour } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { eventually, isSettled, reporterLedger, type ReporterLedger } from './support/eventually';
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
const P99_FLOOR_MS = 50;

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
});
