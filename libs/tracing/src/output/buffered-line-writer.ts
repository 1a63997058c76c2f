import type { Writable } from 'node:stream';

/**
 * Collects lines and writes them in one call per event-loop turn. stdout is a pipe in a container, and
 * pipe writes are synchronous on Linux: one write per request would put a syscall on the request path.
 * Beyond `maxBufferedBytes` (a stalled reader) lines are dropped and counted, never held without bound.
 */
export class BufferedLineWriter {
  private lines: string[] = [];
  private bufferedBytes = 0;
  private scheduled = false;
  private droppedLines = 0;

  constructor(
    private readonly output: Writable,
    private readonly maxBufferedBytes = 4 * 1024 * 1024,
  ) {}

  get dropped(): number {
    return this.droppedLines;
  }

  write(line: string): void {
    const lineBytes = Buffer.byteLength(line) + 1;
    if (this.bufferedBytes + lineBytes > this.maxBufferedBytes || this.output.writableNeedDrain) {
      this.droppedLines += 1;
      return;
    }
    this.lines.push(line);
    this.bufferedBytes += lineBytes;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const chunk = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.bufferedBytes = 0;
    this.output.write(chunk);
  }
}
