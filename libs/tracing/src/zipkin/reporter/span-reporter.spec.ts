import { JsonV2SpanBytesEncoder } from '../encoders/json-v2.encoder';
import type { SpanBytesEncoder } from '../span-bytes-encoder';
import { DROP_CAUSES, MESSAGE_OUTCOMES, REPORTER_METRIC_NAMES as METRICS } from './reporter-metrics';
import type { SpanReporterOptions } from './reporter-options';
import type { ZipkinSpan } from '../zipkin-span';
import { jsonV2TestEncoder, makeSpan, spansIn } from './testing/json-v2-test-encoder';
import { accountedSpans, createTestReporter, reporterCounters, SECRET_TOKEN, startReporterFixture, stopReporterFixture, WAIT_MS, type ReporterFixture } from './testing/reporter-fixture';
import { COLLECTOR_BEHAVIOURS } from './testing/stand-in-collector';
import { SpanReporter } from './span-reporter';

/** Every makeSpan(1..15) encodes to the same length with the test encoder. */
const SPAN_BYTES = jsonV2TestEncoder.encodeSpan(makeSpan(1)).length;

describe(SpanReporter.name, () => {
  let fixture: ReporterFixture;
  let sut: SpanReporter<ZipkinSpan>;
  const create = (overrides: Partial<SpanReporterOptions<ZipkinSpan>> = {}): SpanReporter<ZipkinSpan> => createTestReporter(fixture, overrides);
  const reportSpans = (count: number): void => {
    for (let n = 1; n <= count; n += 1) sut.report(makeSpan(n));
  };

  beforeEach(async () => {
    fixture = await startReporterFixture();
  });

  afterEach(async () => {
    const counters = await stopReporterFixture(fixture, sut);
    expect(accountedSpans(counters)).toBe(counters.spans);
    expect(fixture.logger.lines.filter((line) => line.includes(SECRET_TOKEN))).toEqual([]);
  });

  describe('constructor', () => {
    it('should expose every drop cause, every message outcome and the sent counter at 0 before the first span', async () => {
      sut = create();
      expect({
        sent: Object.values(await fixture.probe.sumsBy(METRICS.spansSent, 'cause')),
        dropped: await fixture.probe.sumsBy(METRICS.spansDropped, 'cause'),
        messages: await fixture.probe.sumsBy(METRICS.messages, 'outcome'),
      }).toEqual({
        sent: [0],
        dropped: Object.fromEntries(DROP_CAUSES.map((cause) => [cause, 0])),
        messages: Object.fromEntries(MESSAGE_OUTCOMES.map((outcome) => [outcome, 0])),
      });
    });
  });

  describe('report', () => {
    it('should deliver reported spans in order and count them exactly', async () => {
      sut = create();
      reportSpans(3);
      await sut.flush();
      const bodies = fixture.collector.requests.map((r) => r.body);
      expect(spansIn(bodies)).toEqual([makeSpan(1), makeSpan(2), makeSpan(3)]);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 3, sent: 3, dropped: {}, messages: { sent: 1 } });
      expect(await fixture.probe.sum(METRICS.spanBytes)).toBe(3 * SPAN_BYTES);
      expect(await fixture.probe.sum(METRICS.messageBytes)).toBe(bodies[0].length);
      expect(await fixture.probe.histogramCount(METRICS.sendDuration)).toBe(1);
      expect(fixture.logger.lines).toEqual([]);
    });

    it('should send a message as soon as messageMaxSpans spans are queued', async () => {
      sut = create({ messageMaxSpans: 2 });
      reportSpans(5);
      const requests = await fixture.collector.waitFor((r) => r.length === 2, WAIT_MS);
      expect(requests.map((r) => spansIn([r.body]).length)).toEqual([2, 2]);
      expect(await fixture.probe.gauge(METRICS.queueSpans)).toBe(1);
    });

    it('should send a message as soon as messageMaxBytes are queued, never a larger one', async () => {
      const messageMaxBytes = jsonV2TestEncoder.messageOverheadBytes + 3 * jsonV2TestEncoder.sizeInMessage(SPAN_BYTES);
      sut = create({ messageMaxBytes });
      reportSpans(7);
      const requests = await fixture.collector.waitFor((r) => r.length === 2, WAIT_MS);
      expect(requests.map((r) => r.body.length)).toEqual([messageMaxBytes, messageMaxBytes]);
      expect(await fixture.probe.gauge(METRICS.queueBytes)).toBe(SPAN_BYTES);
    });

    it('should send a partial message flushIntervalMs after the oldest queued span', async () => {
      sut = create({ flushIntervalMs: 50 });
      reportSpans(2);
      const [request] = await fixture.collector.waitFor((r) => r.length === 1, WAIT_MS);
      expect(spansIn([request.body])).toEqual([makeSpan(1), makeSpan(2)]);
    });

    it('should drop a span that alone exceeds messageMaxBytes, and say so', async () => {
      const big = makeSpan(1, { tags: { big: 'x'.repeat(100) } });
      sut = create({ messageMaxBytes: SPAN_BYTES + 50 });
      sut.report(big);
      sut.report(makeSpan(2));
      await sut.flush();
      expect(spansIn(fixture.collector.requests.map((r) => r.body))).toEqual([makeSpan(2)]);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 1, dropped: { too_large: 1 }, messages: { sent: 1 } });
      expect(fixture.logger.lines).toEqual([`warn: Zipkin span of ${jsonV2TestEncoder.encodeSpan(big).length} bytes exceeds messageMaxBytes (${SPAN_BYTES + 50}): dropped`]);
    });

    it('should drop spans beyond queuedMaxBytes, keeping the queue within it', async () => {
      const queuedMaxBytes = 10 * SPAN_BYTES + 5;
      sut = create({ queuedMaxBytes });
      for (let round = 0; round < 5; round += 1) {
        reportSpans(10);
        expect(await fixture.probe.gauge(METRICS.queueBytes)).toBeLessThanOrEqual(queuedMaxBytes);
      }
      expect(await fixture.probe.gauge(METRICS.queueSpans)).toBe(10);
      await sut.flush();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 50, sent: 10, dropped: { queue_full: 40 }, messages: { sent: 1 } });
      expect(fixture.logger.lines).toEqual([`warn: Zipkin reporter queue full (10 spans, ${10 * SPAN_BYTES} bytes): dropping spans`]);
    });

    it('should drop spans beyond queuedMaxSpans without encoding them', async () => {
      sut = create({ queuedMaxSpans: 4 });
      reportSpans(6);
      expect(await fixture.probe.gauge(METRICS.queueSpans)).toBe(4);
      expect(await fixture.probe.sum(METRICS.spanBytes)).toBe(4 * SPAN_BYTES);
      await sut.flush();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 6, sent: 4, dropped: { queue_full: 2 }, messages: { sent: 1 } });
    });

    it('should count a span the encoder cannot encode and keep going', async () => {
      const encoder: SpanBytesEncoder = {
        ...jsonV2TestEncoder,
        encodeSpan: (span) => {
          if (span.name === 'boom') throw new RangeError('tag value too long');
          return jsonV2TestEncoder.encodeSpan(span);
        },
      };
      sut = create({ encoder });
      expect(() => sut.report(makeSpan(1, { name: 'boom' }))).not.toThrow();
      sut.report(makeSpan(2));
      await sut.flush();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 2, sent: 1, dropped: { encoding_error: 1 }, messages: { sent: 1 } });
      expect(fixture.logger.lines).toEqual(['warn: Zipkin JSON_V2 encoder failed, span dropped: tag value too long']);
    });

    it.each([1, 3])('should keep at most maxInFlight = %i requests open at once', async (maxInFlight) => {
      fixture.collector.setMode({ kind: 'answer', status: 202, delayMs: 60 });
      sut = create({ maxInFlight, messageMaxSpans: 1 });
      reportSpans(6);
      await sut.flush();
      expect(fixture.collector.maxConcurrentRequests).toBe(maxInFlight);
      expect(spansIn(fixture.collector.requests.map((r) => r.body))).toHaveLength(6);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 6, sent: 6, dropped: {}, messages: { sent: 6 } });
    });

    it('should gzip messages that decode to the encoded bytes, with custom headers', async () => {
      sut = create({ gzip: true, headers: { authorization: 'Bearer t0k' } });
      reportSpans(2);
      await sut.flush();
      const [request] = fixture.collector.requests;
      expect(request.body).toEqual(jsonV2TestEncoder.encodeMessage([makeSpan(1), makeSpan(2)].map((span) => jsonV2TestEncoder.encodeSpan(span))));
      expect(request.rawBody.length).toBeLessThan(request.body.length);
      expect(request.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/json', authorization: 'Bearer t0k' });
    });

    it('should deliver spans encoded by the real JSON_V2 encoder', async () => {
      const encoder = new JsonV2SpanBytesEncoder();
      sut = create({ encoder, gzip: true, messageMaxSpans: 2, maxInFlight: 1 });
      reportSpans(3);
      await sut.flush();
      expect(fixture.collector.requests.map((r) => r.body)).toEqual([
        encoder.encodeMessage([encoder.encodeSpan(makeSpan(1)), encoder.encodeSpan(makeSpan(2))]),
        encoder.encodeMessage([encoder.encodeSpan(makeSpan(3))]),
      ]);
      expect(spansIn(fixture.collector.requests.map((r) => r.body))).toEqual([makeSpan(1), makeSpan(2), makeSpan(3)]);
    });
  });

  describe('flush', () => {
    it('should send everything queued and resolve only once the collector answered', async () => {
      fixture.collector.setMode({ kind: 'answer', status: 202, delayMs: 50 });
      sut = create();
      reportSpans(3);
      await sut.flush();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 3, sent: 3, dropped: {}, messages: { sent: 1 } });
    });

    it('should drain a queue longer than maxInFlight messages', async () => {
      sut = create({ maxInFlight: 1, messageMaxSpans: 2 });
      reportSpans(9);
      await sut.flush();
      expect(fixture.collector.requests.map((r) => spansIn([r.body]).length)).toEqual([2, 2, 2, 2, 1]);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 9, sent: 9, dropped: {}, messages: { sent: 5 } });
    });

    it('should resolve at once when nothing is queued', async () => {
      sut = create();
      await sut.flush();
      expect(fixture.collector.requests).toEqual([]);
    });
  });

  describe('close', () => {
    it('should flush what is queued within closeTimeoutMs', async () => {
      sut = create();
      reportSpans(3);
      await sut.close();
      expect(spansIn(fixture.collector.requests.map((r) => r.body))).toHaveLength(3);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 3, sent: 3, dropped: {}, messages: { sent: 1 } });
    });

    it('should drop and count what it could not flush in time, and abort the hanging request', async () => {
      fixture.collector.setMode(COLLECTOR_BEHAVIOURS.hang);
      sut = create({ maxInFlight: 1, messageMaxSpans: 2, requestTimeoutMs: 30_000, closeTimeoutMs: 100 });
      reportSpans(5);
      await fixture.collector.waitFor((r) => r.length === 1, WAIT_MS);
      const started = performance.now();
      await sut.close();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 5, sent: 0, dropped: { close_timeout: 5 }, messages: { failed: 1 } });
      expect(fixture.logger.lines).toEqual(['warn: Zipkin reporter not flushed within 100 ms: dropped 3 queued spans, aborted 1 messages']);
    });

    it('should refuse spans once closing, and be idempotent', async () => {
      sut = create();
      reportSpans(1);
      const closing = sut.close();
      sut.report(makeSpan(2));
      expect(sut.close()).toBe(closing);
      await closing;
      sut.report(makeSpan(3));
      await sut.close();
      expect(await reporterCounters(fixture.probe)).toEqual({ spans: 3, sent: 1, dropped: { closed: 2 }, messages: { sent: 1 } });
      expect(fixture.logger.lines).toEqual(['warn: Zipkin reporter is closed: dropping spans']);
    });
  });
});
