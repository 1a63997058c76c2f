/** A writer that can hand back bytes it wrote and write them again. */
export interface ReplayableWriter {
  readonly position: number;
  /** The bytes written from `start` on, as a Buffer of their own. */
  copy(start: number): Buffer;
  bytes(value: Uint8Array): void;
}

/**
 * Writes again the bytes encoded for the same object last time, instead of encoding it again: the local
 * endpoint is one object for the life of the process and is written on every span (on every annotation of
 * a V1 span). Keyed by identity: the span model is readonly, so one object always encodes the same.
 */
export class LastEncoded<K extends object, W extends ReplayableWriter> {
  private key?: K;
  private encoded?: Buffer;

  constructor(private readonly encode: (writer: W, key: K) => void) {}

  write(writer: W, key: K): void {
    if (key === this.key && this.encoded !== undefined) return writer.bytes(this.encoded);
    const start = writer.position;
    this.encode(writer, key);
    this.encoded = writer.copy(start);
    this.key = key;
  }
}
