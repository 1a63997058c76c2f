import type { BufferedLineWriter } from '../output/buffered-line-writer';
import type { ZipkinSpanSink } from './zipkin-span-sink';
import type { ZipkinSpan } from './zipkin-span';

/**
 * With no collector configured, each span is one line on stdout in the log schema every line follows
 * (`time`, `level`, `msg`, then fields), the Zipkin V2 span under `zipkinSpan` (first runs, the demo).
 */
export class StdoutSpanSink implements ZipkinSpanSink {
  constructor(
    private readonly writer: BufferedLineWriter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  report(span: ZipkinSpan): void {
    this.writer.write(`{"time":"${this.now().toISOString()}","level":"info","msg":"span","zipkinSpan":${JSON.stringify(span)}}`);
  }

  flush(): Promise<void> {
    this.writer.flush();
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.flush();
  }
}
