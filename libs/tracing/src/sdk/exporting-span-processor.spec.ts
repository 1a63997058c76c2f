import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { makeReadableSpan } from '../otlp/testing/make-readable-span';
import type { SpanSink } from '../zipkin/zipkin-span-sink';
import { ExportingSpanProcessor } from './exporting-span-processor';

function recordingSink(behaviour: 'ok' | 'throws' = 'ok'): SpanSink<ReadableSpan> & { spans: string[]; calls: string[] } {
  const sink = {
    spans: [] as string[],
    calls: [] as string[],
    report(span: ReadableSpan): void {
      if (behaviour === 'throws') throw new Error('mapping failed');
      sink.spans.push(span.spanContext().spanId);
    },
    flush(): Promise<void> {
      sink.calls.push('flush');
      return Promise.resolve();
    },
    close(): Promise<void> {
      sink.calls.push('close');
      return Promise.resolve();
    },
  };
  return sink;
}

describe(ExportingSpanProcessor.name, () => {
  describe('onEnd', () => {
    it('should hand each sampled span to every exporter, and skip unsampled ones', () => {
      const [zipkin, otlp] = [recordingSink(), recordingSink()];
      const sut = new ExportingSpanProcessor([zipkin, otlp]);
      sut.onEnd(makeReadableSpan({ context: { spanId: '0000000000000001' } }));
      sut.onEnd(makeReadableSpan({ context: { spanId: '0000000000000002', traceFlags: TraceFlags.NONE } }));
      expect([zipkin.spans, otlp.spans]).toEqual([['0000000000000001'], ['0000000000000001']]);
    });

    it('should still reach the other exporter when one throws', () => {
      const [broken, otlp] = [recordingSink('throws'), recordingSink()];
      const sut = new ExportingSpanProcessor([broken, otlp]);
      expect(() => sut.onEnd(makeReadableSpan())).not.toThrow();
      expect(otlp.spans).toEqual(['352bff9a74ca9ad2']);
    });
  });

  describe('forceFlush and shutdown', () => {
    it('should flush and close every exporter', async () => {
      const [zipkin, otlp] = [recordingSink(), recordingSink()];
      const sut = new ExportingSpanProcessor([zipkin, otlp]);
      await sut.forceFlush();
      await sut.shutdown();
      expect([zipkin.calls, otlp.calls]).toEqual([['flush', 'close'], ['flush', 'close']]);
    });
  });
});
