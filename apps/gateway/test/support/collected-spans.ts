import type { ZipkinSpan } from '../../../../libs/tracing/src/zipkin/zipkin-span';
import type { StandInCollector } from '../../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';

/** Every V2 JSON span the collector received so far. */
export function v2SpansOf(collector: StandInCollector): ZipkinSpan[] {
  return collector.requests.flatMap((request) => JSON.parse(request.body.toString()) as ZipkinSpan[]);
}

/** Waits until the collector holds `count` spans of the trace, and returns them, SERVER first. */
export async function waitForTrace(collector: StandInCollector, traceId: string, count = 2, timeoutMs = 5000): Promise<ZipkinSpan[]> {
  await collector.waitFor(() => v2SpansOf(collector).filter((span) => span.traceId === traceId).length >= count, timeoutMs);
  return v2SpansOf(collector)
    .filter((span) => span.traceId === traceId)
    .sort((a, b) => (a.kind === 'SERVER' ? -1 : 0) - (b.kind === 'SERVER' ? -1 : 0));
}
