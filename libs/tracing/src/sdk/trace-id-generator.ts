import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';
import type { TraceIdBits } from '@app/config';

const POOL_SIZE = 4096;

/**
 * Random ids from a pooled CSPRNG buffer (one randomBytes call per 256 ids, not per id). With 64-bit trace
 * ids the high half is zero, which is how a 64-bit id is written on B3 and exported to Zipkin.
 */
export class GatewayIdGenerator implements IdGenerator {
  private pool = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly traceIdBits: TraceIdBits) {}

  generateTraceId(): string {
    const low = this.randomHex(8);
    return this.traceIdBits === 64 ? `0000000000000000${low}` : `${this.randomHex(8)}${low}`;
  }

  generateSpanId(): string {
    return this.randomHex(8);
  }

  private randomHex(bytes: number): string {
    if (this.offset + bytes > this.pool.length) {
      this.pool = randomBytes(POOL_SIZE);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += bytes;
    // An all-zero id is invalid in B3 and W3C; 2^-64 odds, but never emit one.
    return this.allZero(start, this.offset) ? this.randomHex(bytes) : this.pool.toString('hex', start, this.offset);
  }

  /** Stops at the first non-zero byte: almost always the first. */
  private allZero(start: number, end: number): boolean {
    for (let i = start; i < end; i += 1) if (this.pool[i] !== 0) return false;
    return true;
  }
}
