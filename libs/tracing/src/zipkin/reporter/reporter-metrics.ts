import type { Attributes, Counter, Histogram, Meter, ObservableCounter, ObservableGauge, ObservableResult } from '@opentelemetry/api';

/**
 * Why spans never reached the collector. `rejected` is a permanent (non-429 4xx) answer; `send_failed`
 * is a message that ran out of attempts; `close_timeout` is what shutdown could not flush in time.
 */
export const DROP_CAUSES = ['queue_full', 'encoding_error', 'too_large', 'send_failed', 'rejected', 'closed', 'close_timeout'] as const;
export type DropCause = (typeof DROP_CAUSES)[number];

/** `retried` counts each failed attempt that is tried again; every message ends `sent` or `failed`. */
export const MESSAGE_OUTCOMES = ['sent', 'retried', 'failed'] as const;
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/** Which exporter's reporter an instrument's points belong to: the `exporter` label on every one. */
export type ExporterName = 'zipkin' | 'otlp';

/**
 * Instrument names, after zipkin-reporter's metrics; each exporter (zipkin, otlp) reports under them with its
 * `exporter` label. Counters carry no `_total`: the Prometheus exporter
 * appends it.
 */
export const REPORTER_METRIC_NAMES = {
  spans: 'zipkin_reporter_spans',
  spanBytes: 'zipkin_reporter_span_bytes',
  spansSent: 'zipkin_reporter_spans_sent',
  spansDropped: 'zipkin_reporter_spans_dropped',
  messages: 'zipkin_reporter_messages',
  messageBytes: 'zipkin_reporter_message_bytes',
  queueSpans: 'zipkin_reporter_queue_spans',
  queueBytes: 'zipkin_reporter_queue_bytes',
  sendDuration: 'zipkin_reporter_send_duration_seconds',
} as const;

/** Seconds; from a loopback 202 (~1 ms) to a request timeout (default 10 s). */
const SEND_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface QueueSnapshot {
  readonly spans: number;
  readonly bytes: number;
}

/** What happens on the request path, once per span: counted as plain numbers, read at collection. */
interface ReportedCounts {
  spans: number;
  bytes: number;
}

/**
 * The reporter's instruments; every method is a plain counter update, cheap on the request path. The two
 * counted for every span are observable counters over plain numbers: a synchronous counter's add() cost
 * an attributes object, a timestamp and a storage lookup per call, twice per span.
 */
export class ReporterMetrics {
  private readonly reported: ReportedCounts = { spans: 0, bytes: 0 };
  private readonly spans: ObservableCounter;
  private readonly spanBytes: ObservableCounter;
  private readonly spansSent: Counter;
  private readonly spansDropped: Counter;
  private readonly messages: Counter;
  private readonly messageBytes: Counter;
  private readonly sendDuration: Histogram;
  private readonly queueSpans: ObservableGauge;
  private readonly queueBytes: ObservableGauge;
  /** Attribute sets made once: `exporter`, and `exporter` with each cause or outcome. */
  private readonly exporterOnly: Attributes;
  private readonly byCause: Readonly<Record<DropCause, Attributes>>;
  private readonly byOutcome: Readonly<Record<MessageOutcome, Attributes>>;
  private readonly observeSpans = (result: ObservableResult): void => result.observe(this.queue().spans, this.exporterOnly);
  private readonly observeBytes = (result: ObservableResult): void => result.observe(this.queue().bytes, this.exporterOnly);

  constructor(meter: Meter, exporter: ExporterName, private readonly queue: () => QueueSnapshot) {
    this.exporterOnly = { exporter };
    this.byCause = labelled(DROP_CAUSES, 'cause', exporter);
    this.byOutcome = labelled(MESSAGE_OUTCOMES, 'outcome', exporter);
    const n = REPORTER_METRIC_NAMES;
    this.spans = meter.createObservableCounter(n.spans, { description: 'Spans reported to the exporter\'s reporter', unit: '{span}' });
    this.spanBytes = meter.createObservableCounter(n.spanBytes, { description: 'Encoded bytes of spans reported', unit: 'By' });
    this.spansSent = meter.createCounter(n.spansSent, { description: 'Spans acknowledged by the collector', unit: '{span}' });
    this.spansDropped = meter.createCounter(n.spansDropped, { description: 'Spans dropped, by cause', unit: '{span}' });
    this.messages = meter.createCounter(n.messages, { description: 'Collector messages, by outcome', unit: '{message}' });
    this.messageBytes = meter.createCounter(n.messageBytes, { description: 'Bytes of messages built, before gzip', unit: 'By' });
    this.sendDuration = meter.createHistogram(n.sendDuration, {
      description: 'Duration of one collector request',
      unit: 's',
      advice: { explicitBucketBoundaries: SEND_DURATION_BUCKETS },
    });
    this.queueSpans = meter.createObservableGauge(n.queueSpans, { description: 'Spans waiting to be sent', unit: '{span}' });
    this.queueBytes = meter.createObservableGauge(n.queueBytes, { description: 'Encoded bytes waiting to be sent', unit: 'By' });
    this.queueSpans.addCallback(this.observeSpans);
    this.queueBytes.addCallback(this.observeBytes);
    // These callbacks hold the counts only, not the reporter: they stay after dispose(), as counters do.
    const reported = this.reported;
    const attributes = this.exporterOnly;
    this.spans.addCallback((result) => result.observe(reported.spans, attributes));
    this.spanBytes.addCallback((result) => result.observe(reported.bytes, attributes));
    // Every series at 0 from the start: increase()/rate() need a sample before the first event, or an alert
    // on the first rejected or failed batch (the chart's PrometheusRule) never sees it.
    this.spansSent.add(0, attributes);
    for (const cause of DROP_CAUSES) this.spansDropped.add(0, this.byCause[cause]);
    for (const outcome of MESSAGE_OUTCOMES) this.messages.add(0, this.byOutcome[outcome]);
  }

  spanReported(): void {
    this.reported.spans += 1;
  }

  spanEncoded(bytes: number): void {
    this.reported.bytes += bytes;
  }

  spansDelivered(count: number): void {
    this.spansSent.add(count, this.exporterOnly);
  }

  dropped(cause: DropCause, count: number): void {
    if (count > 0) this.spansDropped.add(count, this.byCause[cause]);
  }

  message(outcome: MessageOutcome): void {
    this.messages.add(1, this.byOutcome[outcome]);
  }

  messageBuilt(bytes: number): void {
    this.messageBytes.add(bytes, this.exporterOnly);
  }

  sendFinished(seconds: number): void {
    this.sendDuration.record(seconds, this.exporterOnly);
  }

  /** A closed reporter stops being observed, so it can be garbage-collected. */
  dispose(): void {
    this.queueSpans.removeCallback(this.observeSpans);
    this.queueBytes.removeCallback(this.observeBytes);
  }
}

/** One attribute set per value of `key`, each with the exporter label: made once, not per recording. */
function labelled<V extends string>(values: readonly V[], key: string, exporter: ExporterName): Readonly<Record<V, Attributes>> {
  const sets = {} as Record<V, Attributes>;
  for (const value of values) sets[value] = { [key]: value, exporter };
  return sets;
}
