/** Request-level refusals raised before the upstream is called; error-answers.ts maps them to statuses. */
export class RouteNotFoundError extends Error {
  override readonly name = 'RouteNotFoundError';
  constructor(readonly path: string) {
    super(`no route matches ${path}`);
  }
}

export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';
  constructor(readonly allow: readonly string[]) {
    super(`method not allowed; allowed: ${allow.join(', ')}`);
  }
}

export class BadRequestTargetError extends Error {
  override readonly name = 'BadRequestTargetError';
}

/** Framing or header-block problems the HTTP parser let through (two Host headers, a cut header list). */
export class BadRequestHeadersError extends Error {
  override readonly name = 'BadRequestHeadersError';
}

/** RFC 9112 §6.1: a transfer coding other than a single `chunked` is not forwarded (400, as Node answers the codings it refuses itself). */
export class UnsupportedTransferCodingError extends Error {
  override readonly name = 'UnsupportedTransferCodingError';
  constructor() {
    super('only Transfer-Encoding: chunked is supported');
  }
}

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/** More pipelined requests waiting on one connection than `server.maxPipelinedRequests`: the connection is cut. */
export class PipelineTooDeepError extends Error {
  override readonly name = 'PipelineTooDeepError';
  constructor(readonly limit: number) {
    super(`more than ${limit} pipelined requests waiting on one connection`);
  }
}
