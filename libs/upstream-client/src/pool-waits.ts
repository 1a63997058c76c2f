/** One request's wait for a pooled connection; ended once (when it gets a connection or gives up). */
export interface PoolWait {
  ended: boolean;
}

/**
 * How long requests have been queueing for a pooled upstream connection without a break: the time since
 * the number of waiting requests last rose from zero. A pool that keeps every connection busy for that long
 * cannot serve, and readiness says so.
 */
export class PoolWaits {
  private waiting = 0;
  private since = 0;

  start(now = performance.now()): PoolWait {
    if (this.waiting === 0) this.since = now;
    this.waiting += 1;
    return { ended: false };
  }

  end(wait: PoolWait): void {
    if (wait.ended) return;
    wait.ended = true;
    this.waiting -= 1;
  }

  get count(): number {
    return this.waiting;
  }

  /** 0 when no request waits; else how long some request has been waiting, without a moment of none. */
  exhaustedForMs(now = performance.now()): number {
    return this.waiting === 0 ? 0 : now - this.since;
  }
}
