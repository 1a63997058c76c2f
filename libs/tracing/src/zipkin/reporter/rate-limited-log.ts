/** The only logging the reporter needs; Nest's `Logger` and OTel's `diag` both fit. */
export interface ReporterLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** A dead collector fails every message: one line per cause per interval keeps the log readable. */
export const LOG_INTERVAL_MS = 10_000;

interface KeyState {
  lastAt: number;
  suppressed: number;
}

/**
 * Writes at most one line per key per interval; the next line written for a key says how many were
 * suppressed since the previous one, so nothing is silently lost.
 */
export class RateLimitedLog {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly logger: ReporterLogger,
    private readonly intervalMs = LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, message: string): void {
    this.write(key, message, 'warn');
  }

  error(key: string, message: string): void {
    this.write(key, message, 'error');
  }

  private write(key: string, message: string, level: keyof ReporterLogger): void {
    const now = this.now();
    const state = this.keys.get(key);
    if (state && now - state.lastAt < this.intervalMs) {
      state.suppressed += 1;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    const suffix = suppressed > 0 ? ` (${suppressed} similar line${suppressed === 1 ? '' : 's'} suppressed)` : '';
    this.keys.set(key, { lastAt: now, suppressed: 0 });
    try {
      this.logger[level](`${message}${suffix}`);
    } catch {
      // A broken logger must not turn telemetry into a request failure.
    }
  }
}
