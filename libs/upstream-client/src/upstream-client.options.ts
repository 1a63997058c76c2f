/** Options of UpstreamClientModule.forRoot, taken from ingressGateway in the gateway config. */
export interface UpstreamClientOptions {
  /** Pooled keep-alive connections per upstream origin. */
  readonly maxSockets: number;
  /** Idle pooled connections close after this (below the upstream's own idle timeout). */
  readonly keepAliveMs: number;
  /** A response body that stalls this long is aborted. */
  readonly idleTimeoutMs: number;
  readonly tls: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly serverName?: string;
    readonly insecureSkipVerify: boolean;
  };
}

export const UPSTREAM_CLIENT_OPTIONS = Symbol('UPSTREAM_CLIENT_OPTIONS');
