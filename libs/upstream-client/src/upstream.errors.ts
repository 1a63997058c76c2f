/** Typed upstream failures; the gateway maps them to statuses in one filter (no Nest imports here). */
export abstract class UpstreamError extends Error {
  abstract readonly reason: string;
}

/** Refused, reset, DNS or TLS failure, or a malformed answer: the gateway answers 502. */
export class UpstreamUnavailableError extends UpstreamError {
  override readonly name = 'UpstreamUnavailableError';
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`upstream unavailable: ${reason}`, options);
  }
}

/** No response headers within the route's timeout, or the body stalled: the gateway answers 504. */
export class UpstreamTimeoutError extends UpstreamError {
  override readonly name = 'UpstreamTimeoutError';
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
  readonly reason = 'client aborted';
  constructor() {
    super('upstream request aborted: the client went away');
  }
}

/** The client stopped reading the response (the upstream was held paused for it this long): nobody to answer. */
export class ClientStalledError extends UpstreamError {
  override readonly name = 'ClientStalledError';
  readonly reason = 'client stopped reading';
  constructor(readonly timeoutMs: number) {
    super(`the client read nothing of the response for ${timeoutMs} ms`);
  }
}

/** TLS material named in the config cannot be read: raised at boot, never on a request. */
export class UpstreamTlsFileError extends Error {
  override readonly name = 'UpstreamTlsFileError';
}
