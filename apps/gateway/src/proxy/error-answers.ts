import { ClientStalledError, UpstreamAbortedError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from '@app/upstream-client';
import {
  BadRequestHeadersError,
  BadRequestTargetError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  PipelineTooDeepError,
  RouteNotFoundError,
  UnsupportedTransferCodingError,
} from './proxy.errors';

export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The unread rest of the request would be parsed as the next request: the connection closes after the answer. */
const CLOSE = { connection: 'close' } as const;

/**
 * The one error policy of the proxy port: the answer to a refusal or a failure, or undefined when there
 * is nobody to answer (the client went away or stopped reading: the connection is cut). Anything
 * unexpected is a 500.
 */
export function answerFor(error: unknown): ErrorAnswer | undefined {
  if (error instanceof RouteNotFoundError) return { status: 404, code: 'route_not_found' };
  if (error instanceof MethodNotAllowedError) return { status: 405, code: 'method_not_allowed', headers: { allow: error.allow.join(', ') } };
  if (error instanceof BadRequestTargetError) return { status: 400, code: 'bad_request_target' };
  if (error instanceof BadRequestHeadersError) return { status: 400, code: 'bad_request_headers', headers: CLOSE };
  if (error instanceof UnsupportedTransferCodingError) return { status: 400, code: 'unsupported_transfer_coding', headers: CLOSE };
  if (error instanceof PayloadTooLargeError) return { status: 413, code: 'payload_too_large', headers: CLOSE };
  if (error instanceof UpstreamTimeoutError) return { status: 504, code: 'upstream_timeout' };
  if (error instanceof UpstreamUnavailableError) return { status: 502, code: 'upstream_unavailable' };
  if (isUnanswerable(error)) return undefined;
  return { status: 500, code: 'internal_error' };
}

/** Failures with nobody left to answer: the client went away, stopped reading, or overflowed its pipeline. */
function isUnanswerable(error: unknown): boolean {
  return error instanceof UpstreamAbortedError || error instanceof ClientStalledError || error instanceof PipelineTooDeepError;
}

/** The JSON body of an error answer; an unexpected error's message is never shown. */
export function errorBody(answer: ErrorAnswer, error: unknown, requestId: string, traceId: string | undefined): string {
  const message = answer.status !== 500 && error instanceof Error ? error.message : 'internal error';
  return JSON.stringify({ error: answer.code, message, requestId, ...(traceId !== undefined && { traceId }) });
}

/** Pure: OpenTelemetry's `error.type` (metrics) of a failure: its class, `_OTHER` when unknown. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof UpstreamError) return error.errorType;
  if (error instanceof PayloadTooLargeError) return 'body_too_large';
  if (error instanceof PipelineTooDeepError) return 'pipeline_too_deep';
  return '_OTHER';
}
