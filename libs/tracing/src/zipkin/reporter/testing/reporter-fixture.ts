import type { SpanReporterOptions } from '../reporter-options';
import type { ZipkinSpan } from '../../zipkin-span';
import { REPORTER_METRIC_NAMES } from '../reporter-metrics';
import { SpanReporter } from '../span-reporter';
import { CapturingLogger } from './capturing-logger';
import { jsonV2TestEncoder } from './json-v2-test-encoder';
import { MetricProbe } from './metric-probe';
import { StandInCollector } from './stand-in-collector';

/** Alibaba-style token in the collector path: it must never reach a log line. */
export const SECRET_TOKEN = 'SECRET123';
export const SECRET_PATH = `/adapt_${SECRET_TOKEN}/api/v2/spans`;
/** Deadline for awaiting what the collector receives; tests finish far sooner. */
export const WAIT_MS = 3000;

export interface ReporterFixture {
  readonly collector: StandInCollector;
  readonly probe: MetricProbe;
  readonly logger: CapturingLogger;
}

export async function startReporterFixture(): Promise<ReporterFixture> {
  return { collector: await StandInCollector.start(), probe: new MetricProbe(), logger: new CapturingLogger() };
}

/** Closes the reporter, then the fixture; resolves with the final counters, for the check every test ends with. */
export async function stopReporterFixture(fixture: ReporterFixture, reporter: SpanReporter<ZipkinSpan>): Promise<ReporterCounters> {
  await reporter.close();
  const counters = await reporterCounters(fixture.probe);
  await fixture.collector.close();
  await fixture.probe.shutdown();
  return counters;
}

/**
 * Options sized for fast tests: small backoffs and timeouts, and a flush interval long enough that only
 * size limits, flush() or close() send unless a test shortens it.
 */
export function testReporterOptions(fixture: ReporterFixture, overrides: Partial<SpanReporterOptions<ZipkinSpan>> = {}): SpanReporterOptions<ZipkinSpan> {
  return {
    exporter: 'zipkin',
    endpointUrl: fixture.collector.url(SECRET_PATH),
    encoder: jsonV2TestEncoder,
    headers: {},
    gzip: false,
    queuedMaxSpans: 1000,
    queuedMaxBytes: 1_000_000,
    messageMaxBytes: 500_000,
    messageMaxSpans: 100,
    flushIntervalMs: 60_000,
    requestTimeoutMs: 2000,
    maxInFlight: 2,
    maxAttempts: 3,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    closeTimeoutMs: 2000,
    meter: fixture.probe.meter,
    logger: fixture.logger,
    ...overrides,
  };
}

export function createTestReporter(fixture: ReporterFixture, overrides: Partial<SpanReporterOptions<ZipkinSpan>> = {}): SpanReporter<ZipkinSpan> {
  return new SpanReporter(testReporterOptions(fixture, overrides));
}

export interface ReporterCounters {
  readonly spans: number;
  readonly sent: number;
  readonly dropped: Record<string, number>;
  readonly messages: Record<string, number>;
}

const nonZero = (counts: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));

/** The counters a test asserts exactly, in one object; causes and outcomes still at 0 are left out. */
export async function reporterCounters(probe: MetricProbe): Promise<ReporterCounters> {
  return {
    spans: await probe.sum(REPORTER_METRIC_NAMES.spans),
    sent: await probe.sum(REPORTER_METRIC_NAMES.spansSent),
    dropped: nonZero(await probe.sumsBy(REPORTER_METRIC_NAMES.spansDropped, 'cause')),
    messages: nonZero(await probe.sumsBy(REPORTER_METRIC_NAMES.messages, 'outcome')),
  };
}

/** Spans that reached an end (acknowledged or dropped for some cause): all of them, once a reporter is closed. */
export function accountedSpans(counters: ReporterCounters): number {
  return counters.sent + Object.values(counters.dropped).reduce((total, n) => total + n, 0);
}
