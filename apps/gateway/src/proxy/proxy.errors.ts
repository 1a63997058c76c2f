/** Request-level refusals raised before the upstream is called; ProxyExceptionFilter maps them to statuses. */
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

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}
