const INITIAL_BYTES = 4096;
/** A scratch buffer grown past 1 MiB by one huge span is let go at the next reset. */
const MAX_KEPT_BYTES = 1 << 20;

/**
 * One growing buffer an encoder writes a span into; `finish` copies the span's bytes out, so the buffer
 * is reused from span to span. Not reentrant: one span at a time, synchronously.
 */
export abstract class ScratchBuffer {
  protected buf = Buffer.allocUnsafe(INITIAL_BYTES);
  protected pos = 0;

  get position(): number {
    return this.pos;
  }

  /** Starts a span (or message). */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > MAX_KEPT_BYTES) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  finish(): Buffer {
    return this.copy(0);
  }

  /** The bytes written from `start` on, as a Buffer of their own (a piece to write again with `bytes`). */
  copy(start: number): Buffer {
    const out = Buffer.allocUnsafe(this.pos - start);
    this.buf.copy(out, 0, start, this.pos);
    return out;
  }

  /** Bytes written as they are. */
  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  protected ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
