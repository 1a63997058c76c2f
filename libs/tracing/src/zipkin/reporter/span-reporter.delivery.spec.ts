import type { SpanReporterOptions } from './reporter-options';
import type { ZipkinSpan } from '../zipkin-span';
import { makeSpan, spansIn } from './testing/json-v2-test-encoder';
import { accountedSpans, createTestReporter, reporterCounters, SECRET_TOKEN, startReporterFixture, stopReporterFixture, type ReporterFixture } from './testing/reporter-fixture';
import { COLLECTOR_BEHAVIOURS, type CollectorBehaviour } from './testing/stand-in-collector';
import { SpanReporter } from './span-reporter';

/** How the collector URL must appear in logs: host kept, secret path redacted. */
const redactedCollector = (fixture: ReporterFixture): string => `${fixture.collector.baseUrl}/<redacted>`;

describe(SpanReporter.name, () => {
  let fixture: ReporterFixture;
  let sut: SpanReporter<ZipkinSpan>;
  const create = (overrides: Partial<SpanReporterOptions<ZipkinSpan>> = {}): SpanReporter<ZipkinSpan> => createTestReporter(fixture, overrides);
  const reportTwoSpansAndFlush = async (): Promise<void> => {
    sut.report(makeSpan(1));
    sut.report(makeSpan(2));
    await sut.flush();
  };

  beforeEach(async () => {
    fixture = await startReporterFixture();
  });

  afterEach(async () => {
    const counters = await stopReporterFixture(fixture, sut);
    expect(accountedSpans(counters)).toBe(counters.spans);
  });

  describe('flush', () => {
    it('should never retry a 400, count it as rejected and log the answer once', async () => {
      fixture.collector.setMode(COLLECTOR_BEHAVIOURS.reject);
      sut = create();
      await reportTwoSpansAndFlush();
      expect(fixture.collector.requests).toHaveLength(1);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 0, dropped: { rejected: 2 }, messages: { failed: 1 } });
      expect(fixture.logger.lines).toEqual([
        `error: Zipkin collector ${redactedCollector(fixture)} rejected 2 spans (not retried): HTTP 400: Expected a JSON_V1 encoded list, but received: JSON_V2`,
      ]);
    });

    it.each<[string, CollectorBehaviour, string]>([
      ['429', COLLECTOR_BEHAVIOURS.throttle, 'HTTP 429: Too Many Requests'],
      ['500', COLLECTOR_BEHAVIOURS.fail, 'HTTP 500: Internal Server Error'],
    ])('should retry a %s up to maxAttempts, then count the spans as send_failed', async (_case, behaviour, reason) => {
      fixture.collector.setMode(behaviour);
      sut = create({ maxAttempts: 3 });
      await reportTwoSpansAndFlush();
      expect(fixture.collector.requests).toHaveLength(3);
      expect(new Set(fixture.collector.requests.map((r) => r.body.toString())).size).toBe(1);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 0, dropped: { send_failed: 2 }, messages: { retried: 2, failed: 1 } });
      // The second retry line is suppressed by the rate limit.
      expect(fixture.logger.lines).toEqual([
        expect.stringMatching(new RegExp(`^warn: Zipkin collector ${escape(redactedCollector(fixture))}: 2 spans not sent \\(attempt 1/3\\), retrying in \\d+ ms: ${reason}$`)),
        `warn: Zipkin collector ${redactedCollector(fixture)}: dropped 2 spans after 3 attempts: ${reason}`,
      ]);
    });

    it.each<[string, CollectorBehaviour, string]>([
      ['a 500', COLLECTOR_BEHAVIOURS.fail, 'HTTP 500: Internal Server Error'],
      ['a hanging request (per-request timeout)', COLLECTOR_BEHAVIOURS.hang, 'timed out after 150 ms'],
      ['a reset connection', COLLECTOR_BEHAVIOURS.reset, 'ECONNRESET'],
    ])('should deliver once, without duplicates, after %s', async (_case, first, reason) => {
      fixture.collector.answerNext(first);
      sut = create({ requestTimeoutMs: 150 });
      await reportTwoSpansAndFlush();
      const accepted = fixture.collector.requests.filter((r) => r.behaviour === COLLECTOR_BEHAVIOURS.accept);
      expect(fixture.collector.requests).toHaveLength(2);
      expect(spansIn(accepted.map((r) => r.body))).toEqual([makeSpan(1), makeSpan(2)]);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 2, dropped: {}, messages: { retried: 1, sent: 1 } });
      expect(fixture.logger.lines).toEqual([expect.stringMatching(new RegExp(`retrying in \\d+ ms: ${reason}$`))]);
    });

    it('should retry while the collector is down, then drop and count the spans', async () => {
      await fixture.collector.down();
      sut = create({ maxAttempts: 2 });
      await reportTwoSpansAndFlush();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 0, dropped: { send_failed: 2 }, messages: { retried: 1, failed: 1 } });
      expect(fixture.logger.lines).toEqual([
        expect.stringMatching(/retrying in \d+ ms: ECONNREFUSED$/),
        `warn: Zipkin collector ${redactedCollector(fixture)}: dropped 2 spans after 2 attempts: ECONNREFUSED`,
      ]);
    });

    it('should deliver to a collector that comes back up', async () => {
      await fixture.collector.down();
      sut = create({ maxAttempts: 3 });
      sut.report(makeSpan(1));
      await sut.flush();
      await fixture.collector.up();
      sut.report(makeSpan(2));
      await sut.flush();
      expect(spansIn(fixture.collector.requests.map((r) => r.body))).toEqual([makeSpan(2)]);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 1, dropped: { send_failed: 1 }, messages: { retried: 2, failed: 1, sent: 1 } });
    });
  });

  describe('report', () => {
    it('should never write the collector URL unredacted to a log line', async () => {
      fixture.collector.setMode(COLLECTOR_BEHAVIOURS.fail);
      sut = create({ maxAttempts: 2, queuedMaxSpans: 1, messageMaxBytes: 300 });
      sut.report(makeSpan(1, { tags: { big: 'x'.repeat(400) } }));
      sut.report(makeSpan(2));
      sut.report(makeSpan(3));
      await sut.flush();
      fixture.collector.setMode(COLLECTOR_BEHAVIOURS.reject);
      sut.report(makeSpan(4));
      await sut.flush();
      await sut.close();
      sut.report(makeSpan(5));
      expect(fixture.logger.lines).toHaveLength(6);
      expect(fixture.logger.lines.filter((line) => line.includes(SECRET_TOKEN) || line.includes('adapt_'))).toEqual([]);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
