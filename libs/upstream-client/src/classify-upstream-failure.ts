import { UpstreamAbortedError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from './upstream.errors';

export interface FailureContext {
  /** The caller aborted (the client went away). */
  readonly aborted: boolean;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** undici and Node error codes that mean "nobody answered properly": 502. */
const UNAVAILABLE: ReadonlyMap<string, string> = new Map(Object.entries({
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'malformed response',
  UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
}));

/** Pure: which typed error an undici/Node failure is. The client's abort decides first. */
export function classifyUpstreamFailure(error: Error, context: FailureContext): UpstreamError {
  const code = errorCode(error);
  if (context.aborted || code === 'UND_ERR_ABORTED' || error.name === 'AbortError') return new UpstreamAbortedError();
  // Decided by us (our headers deadline, a client that stopped reading): already typed.
  if (error instanceof UpstreamError) return error;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamTimeoutError('no response headers', context.timeoutMs);
  if (code === 'UND_ERR_BODY_TIMEOUT') return new UpstreamTimeoutError('response body stalled', context.idleTimeoutMs);
  if (code !== undefined && isTlsFailure(code)) return new UpstreamUnavailableError(`TLS handshake failed (${code})`, { cause: error });
  if (code !== undefined && code.startsWith('HPE_')) return new UpstreamUnavailableError('malformed response', { cause: error });
  return new UpstreamUnavailableError(UNAVAILABLE.get(code ?? '') ?? `request failed (${code ?? error.name})`, { cause: error });
}

function errorCode(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? ((error.cause as NodeJS.ErrnoException | undefined)?.code);
  return typeof code === 'string' ? code : undefined;
}

/** OpenSSL verification codes and Node's TLS codes. */
function isTlsFailure(code: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_') || code.includes('SELF_SIGNED') || code.startsWith('UNABLE_TO_');
}
