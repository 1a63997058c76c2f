interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
}

/**
 * Promises that resolve once a condition over some state holds. The owner calls notify() after every
 * change, so awaiting needs neither polling nor sleeps.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<Waiter>();

  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ ready, resolve }));
  }

  notify(): void {
    for (const waiter of this.waiters) {
      if (waiter.ready()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/** True when `work` settles within `ms`. The deadline timer is unref'd: it never holds the process open. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
