/** Typed upstream failures; the gateway maps them to statuses in one filter (no Nest imports here). */
export abstract class UpstreamError extends Error {
  abstract readonly reason: string;
  /** OpenTelemetry's `error.type` for metrics: a short, low-cardinality class of the failure. */
  abstract readonly errorType: string;
}

/** error.type per unavailable reason (reason strings are classify-upstream-failure.ts's); `_OTHER` otherwise. */
const UNAVAILABLE_ERROR_TYPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^connection refused$/, 'connection_refused'],
  [/^connection (reset|closed)$/, 'connection_reset'],
  [/^connect timed out$/, 'connect_timeout'],
  [/^host (not found|lookup failed)$/, 'dns'],
  [/^(host|network) unreachable$/, 'unreachable'],
  [/^TLS handshake failed/, 'tls'],
  [/^(malformed response|response headers too large)$/, 'malformed_response'],
];

/** Refused, reset, DNS or TLS failure, or a malformed answer: the gateway answers 502. */
export class UpstreamUnavailableError extends UpstreamError {
  override readonly name = 'UpstreamUnavailableError';
  readonly errorType: string;
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`upstream unavailable: ${reason}`, options);
    this.errorType = UNAVAILABLE_ERROR_TYPES.find(([pattern]) => pattern.test(reason))?.[1] ?? '_OTHER';
  }
}

/** No response headers within the route's timeout, or the body stalled: the gateway answers 504. */
export class UpstreamTimeoutError extends UpstreamError {
  override readonly name = 'UpstreamTimeoutError';
  readonly errorType = 'timeout';
  constructor(
    readonly reason: string,
    readonly timeoutMs: number,
  ) {
    super(`upstream timed out: ${reason} after ${timeoutMs} ms`);
  }
}

/** The caller went away, so the upstream request was aborted; there is nobody to answer. */
export class UpstreamAbortedError extends UpstreamError {
  override readonly name = 'UpstreamAbortedError';
  readonly errorType = 'client_aborted';
  readonly reason = 'client aborted';
  constructor() {
    super('upstream request aborted: the client went away');
  }
}

/** The client stopped reading the response (the upstream was held paused for it this long): nobody to answer. */
export class ClientStalledError extends UpstreamError {
  override readonly name = 'ClientStalledError';
  readonly errorType = 'client_stalled';
  readonly reason = 'client stopped reading';
  constructor(readonly timeoutMs: number) {
    super(`the client read nothing of the response for ${timeoutMs} ms`);
  }
}

/** TLS material named in the config cannot be read: raised at boot, never on a request. */
export class UpstreamTlsFileError extends Error {
  override readonly name = 'UpstreamTlsFileError';
}
