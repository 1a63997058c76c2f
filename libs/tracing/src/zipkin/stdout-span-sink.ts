import type { BufferedLineWriter } from '../output/buffered-line-writer';
import type { ZipkinSpanSink } from './zipkin-span-sink';
import type { ZipkinSpan } from './zipkin-span';

/** With no collector configured, each span is one Zipkin V2 JSON line on stdout (first runs, the demo). */
export class StdoutSpanSink implements ZipkinSpanSink {
  constructor(private readonly writer: BufferedLineWriter) {}

  report(span: ZipkinSpan): void {
    this.writer.write(JSON.stringify({ zipkinSpan: span }));
  }

  flush(): Promise<void> {
    this.writer.flush();
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.flush();
  }
}
