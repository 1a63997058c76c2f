import { isAxiosError } from 'axios';
import { UpstreamAbortedError, UpstreamTimeoutError, UpstreamUnavailableError, type UpstreamError } from './upstream.errors';

interface FailureContext {
  readonly aborted: boolean;
  readonly timedOut: boolean;
  readonly timeoutMs: number;
}

/** Network error codes that mean "nobody answered properly": 502. */
const UNAVAILABLE_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  HPE_INVALID_CONSTANT: 'malformed response',
  HPE_INVALID_STATUS: 'malformed response',
  HPE_INVALID_HEADER_TOKEN: 'malformed response',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'malformed response',
  HPE_INVALID_CHUNK_SIZE: 'malformed response',
};

/** Pure: which typed error an axios/Node failure is. Who aborted decides first: the client, then our timer. */
export function classifyUpstreamFailure(error: Error, context: FailureContext): UpstreamError {
  if (context.aborted) return new UpstreamAbortedError();
  if (context.timedOut) return new UpstreamTimeoutError('no response headers', context.timeoutMs);
  const code = errorCode(error);
  if (code !== undefined && isTlsFailure(code)) return new UpstreamUnavailableError(`TLS handshake failed (${code})`, { cause: error });
  const reason = (code !== undefined && UNAVAILABLE_CODES[code]) || (code?.startsWith('HPE_') ? 'malformed response' : `request failed (${code ?? error.name})`);
  return new UpstreamUnavailableError(reason, { cause: error });
}

function errorCode(error: Error): string | undefined {
  const cause = isAxiosError(error) ? (error.cause ?? error) : error;
  const code = (cause as NodeJS.ErrnoException).code ?? (isAxiosError(error) ? error.code : undefined);
  return typeof code === 'string' ? code : undefined;
}

/** OpenSSL verification codes and Node's TLS codes. */
function isTlsFailure(code: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_') || code.includes('SELF_SIGNED') || code.startsWith('UNABLE_TO_');
}
