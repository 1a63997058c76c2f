import type { ZipkinSpan } from '../zipkin/zipkin-span';
import { REPORTER_METRIC_NAMES } from '../zipkin/reporter/reporter-metrics';
import type { SendFunction, SendResult } from '../zipkin/reporter/send-result';
import { SpanReporter } from '../zipkin/reporter/span-reporter';
import { makeSpan } from '../zipkin/reporter/testing/json-v2-test-encoder';
import { accountedSpans, createTestReporter, reporterCounters, startReporterFixture, stopReporterFixture, type ReporterFixture } from '../zipkin/reporter/testing/reporter-fixture';

/** A sender answering each attempt with the next result, the last one repeated. */
function scriptedSend(...results: SendResult[]): SendFunction & { attempts: number } {
  const send = Object.assign(
    (): Promise<SendResult> => {
      const result = results[Math.min(send.attempts, results.length - 1)];
      send.attempts += 1;
      return Promise.resolve(result);
    },
    { attempts: 0 },
  );
  return send;
}

describe(`${SpanReporter.name} as the OTLP exporter`, () => {
  let fixture: ReporterFixture;
  let sut: SpanReporter<ZipkinSpan>;

  beforeEach(async () => {
    fixture = await startReporterFixture();
  });

  afterEach(async () => {
    const counters = await stopReporterFixture(fixture, sut);
    expect(accountedSpans(counters)).toBe(counters.spans);
  });

  describe('flush', () => {
    it('should count a partial success as sent and rejected, and log it', async () => {
      sut = createTestReporter(fixture, { exporter: 'otlp', send: scriptedSend({ kind: 'ok', rejectedSpans: 1, reason: 'span too old' }) });
      sut.report(makeSpan(1));
      sut.report(makeSpan(2));
      await sut.flush();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 1, dropped: { rejected: 1 }, messages: { sent: 1 } });
      expect(fixture.logger.lines).toEqual([`warn: OTLP collector ${fixture.collector.baseUrl}/<redacted> rejected 1 of 2 spans (partial success): span too old`]);
    });

    it('should wait as long as Retry-After asks before retrying (up to maxBackoffMs)', async () => {
      const send = scriptedSend({ kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 40 }, { kind: 'ok' });
      sut = createTestReporter(fixture, { exporter: 'otlp', send, initialBackoffMs: 1, maxBackoffMs: 1000 });
      sut.report(makeSpan(1));
      await sut.flush();
      expect({ attempts: send.attempts, lines: fixture.logger.lines }).toEqual({
        attempts: 2,
        lines: [`warn: OTLP collector ${fixture.collector.baseUrl}/<redacted>: 1 spans not sent (attempt 1/3), retrying in 40 ms: HTTP 429`],
      });
    });

    it('should label its metrics exporter="otlp"', async () => {
      sut = createTestReporter(fixture, { exporter: 'otlp', send: scriptedSend({ kind: 'ok' }) });
      sut.report(makeSpan(1));
      await sut.flush();
      expect({
        otlp: await fixture.probe.sum(REPORTER_METRIC_NAMES.spansSent, { exporter: 'otlp' }),
        zipkin: await fixture.probe.sum(REPORTER_METRIC_NAMES.spansSent, { exporter: 'zipkin' }),
      }).toEqual({ otlp: 1, zipkin: 0 });
    });
  });
});
