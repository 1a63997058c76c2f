/** Readiness: config loaded (we would not be running otherwise), both ports listening, not draining. */
export class GatewayLifecycle {
  private listening = false;
  private draining = false;

  markListening(): void {
    this.listening = true;
  }

  markDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get state(): { readonly ready: boolean; readonly listening: boolean; readonly draining: boolean } {
    return { ready: this.listening && !this.draining, listening: this.listening, draining: this.draining };
  }
}

export const GATEWAY_LIFECYCLE = Symbol('GATEWAY_LIFECYCLE');
export const PROMETHEUS_EXPORTER = Symbol('PROMETHEUS_EXPORTER');
