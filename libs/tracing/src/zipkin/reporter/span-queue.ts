export interface SpanQueueLimits {
  readonly maxSpans: number;
  readonly maxBytes: number;
}

/**
 * FIFO of encoded spans bounded by count and by bytes (zipkin-reporter's ByteBoundedQueue): a full queue
 * refuses spans instead of growing, so memory stays flat when the collector is slow or down.
 * `enqueued`/`dequeued` are running totals; the reporter uses them as positions for flush targets.
 */
export class SpanQueue {
  private items: Buffer[] = [];
  private queuedBytes = 0;
  private queuedMessageBytes = 0;
  private enqueuedTotal = 0;

  constructor(
    private readonly limits: SpanQueueLimits,
    /** Bytes one encoded span adds to a message (the encoder's framing). */
    private readonly sizeInMessage: (encodedBytes: number) => number,
  ) {}

  get spans(): number {
    return this.items.length;
  }

  /** Encoded bytes held: what queuedMaxBytes bounds. */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Bytes the queued spans would add to messages, framing included. */
  get messageBytes(): number {
    return this.queuedMessageBytes;
  }

  get enqueued(): number {
    return this.enqueuedTotal;
  }

  get dequeued(): number {
    return this.enqueuedTotal - this.spans;
  }

  offer(encoded: Buffer): boolean {
    if (this.spans >= this.limits.maxSpans || this.queuedBytes + encoded.length > this.limits.maxBytes) return false;
    this.items.push(encoded);
    this.queuedBytes += encoded.length;
    this.queuedMessageBytes += this.sizeInMessage(encoded.length);
    this.enqueuedTotal += 1;
    return true;
  }

  /**
   * Removes the longest prefix that fits `maxSpans` and `maxMessageBytes` (framing of each span counted,
   * message overhead excluded). Takes at least one span when any is queued: the reporter never queues a
   * span that cannot fit a message alone.
   */
  take(maxSpans: number, maxMessageBytes: number): Buffer[] {
    let count = 0;
    let size = 0;
    let bytes = 0;
    for (const next of this.items) {
      const nextSize = this.sizeInMessage(next.length);
      if (count === maxSpans || (count > 0 && size + nextSize > maxMessageBytes)) break;
      count += 1;
      size += nextSize;
      bytes += next.length;
    }
    this.queuedBytes -= bytes;
    this.queuedMessageBytes -= size;
    // One splice per message: O(queue) at most queuedMaxSpans pointers, and taken spans are released.
    return this.items.splice(0, count);
  }

  /** Empties the queue; returns how many spans it held. */
  clear(): number {
    const cleared = this.items.length;
    this.items = [];
    this.queuedBytes = 0;
    this.queuedMessageBytes = 0;
    return cleared;
  }
}
