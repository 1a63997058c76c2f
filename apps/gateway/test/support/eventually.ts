import { setTimeout as delay } from 'node:timers/promises';

const POLL_EVERY_MS = 25;

/**
 * Re-evaluates `probe` until `accept` holds or `timeoutMs` passes, and returns the last value either way,
 * so the caller asserts on it with a full diff. Bounded: at most timeoutMs / 25 ms probes.
 */
export async function eventually<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await delay(POLL_EVERY_MS);
    value = await probe();
  }
  return value;
}

/** Sum of every sample of a Prometheus metric whose labels include `labels` (all series when none given). */
export function metricSum(metricsText: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(match[3]);
  }
  return sum;
}

/** The reporter's span ledger as /metrics shows it: every reported span is sent, dropped, or still queued. */
export interface ReporterLedger {
  readonly reported: number;
  readonly sent: number;
  readonly dropped: number;
  readonly droppedByCause: Readonly<Record<string, number>>;
  readonly queued: number;
}

/** The ledger of every exporter's reporter together, or of one exporter's (`zipkin`, `otlp`). */
export function reporterLedger(metricsText: string, exporter?: string): ReporterLedger {
  const labels: Record<string, string> = exporter === undefined ? {} : { exporter };
  const droppedByCause: Record<string, number> = {};
  for (const match of metricsText.matchAll(/^zipkin_reporter_spans_dropped_total(\{[^}]*cause="([^"]+)"[^}]*\}) (\S+)$/gm)) {
    if (exporter !== undefined && !match[1].includes(`exporter="${exporter}"`)) continue;
    droppedByCause[match[2]] = (droppedByCause[match[2]] ?? 0) + Number(match[3]);
  }
  return {
    reported: metricSum(metricsText, 'zipkin_reporter_spans_total', labels),
    sent: metricSum(metricsText, 'zipkin_reporter_spans_sent_total', labels),
    dropped: Object.values(droppedByCause).reduce((a, b) => a + b, 0),
    droppedByCause,
    queued: metricSum(metricsText, 'zipkin_reporter_queue_spans', labels),
  };
}

/** True once every reported span is accounted for: sent or dropped, none queued or in flight. */
export function isSettled(ledger: ReporterLedger): boolean {
  return ledger.queued === 0 && ledger.reported === ledger.sent + ledger.dropped;
}
