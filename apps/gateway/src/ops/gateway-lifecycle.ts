/**
 * Readiness: config loaded (we would not be running otherwise), both ports listening, not draining, and
 * the upstream pool not exhausted for longer than the configured bound (a pod that cannot get a connection
 * to its upstream takes no new traffic; liveness stays up, a restart would not help).
 */
export class GatewayLifecycle {
  private listening = false;
  private draining = false;
  private poolExhaustedForMs: () => number = () => 0;
  private poolExhaustedLimitMs = Number.POSITIVE_INFINITY;

  markListening(): void {
    this.listening = true;
  }

  markDraining(): void {
    this.draining = true;
  }

  /** `exhaustedForMs`: how long requests have been queueing for an upstream connection without a break. */
  watchUpstreamPool(exhaustedForMs: () => number, limitMs: number): void {
    this.poolExhaustedForMs = exhaustedForMs;
    this.poolExhaustedLimitMs = limitMs;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get state(): { readonly ready: boolean; readonly listening: boolean; readonly draining: boolean; readonly upstreamPoolExhaustedMs: number } {
    const upstreamPoolExhaustedMs = Math.round(this.poolExhaustedForMs());
    const ready = this.listening && !this.draining && upstreamPoolExhaustedMs <= this.poolExhaustedLimitMs;
    return { ready, listening: this.listening, draining: this.draining, upstreamPoolExhaustedMs };
  }
}

export const GATEWAY_LIFECYCLE = Symbol('GATEWAY_LIFECYCLE');
export const PROMETHEUS_EXPORTER = Symbol('PROMETHEUS_EXPORTER');
