import { JsonTraceSerializer, ProtobufTraceSerializer, type IExportTraceServiceResponse } from '@opentelemetry/otlp-transformer';
import type { OtlpProtocol } from '@app/config';
import { answerExcerpt } from '../zipkin/reporter/retry-policy';
import type { SendResult } from '../zipkin/reporter/send-result';

/** The OTLP/HTTP statuses worth retrying (OTLP spec, "Retryable Response Codes"); every other failure is final. */
export const OTLP_RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** What one OTLP/HTTP request was answered. */
export interface OtlpAnswer {
  readonly status: number;
  /** The answer's body as read (at most the sender's cap); empty when none was read. */
  readonly body: Buffer;
  /** Whether `body` is the whole answer: a cut answer is not decoded. */
  readonly complete: boolean;
  readonly retryAfter?: string;
}

/**
 * Maps an OTLP collector's answer: 2xx is delivered, a partial success (rejected_spans > 0) counted with its
 * reason; 429, 502, 503 and 504 are retried after Retry-After when given; any other status is a rejection.
 */
export function classifyOtlpResponse(answer: OtlpAnswer, protocol: OtlpProtocol, nowMs: number): SendResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return answer.complete ? partialSuccessOf(answer.body, protocol) : { kind: 'ok' };
  const excerpt = protocol === 'http/json' || isText(answer.body) ? answerExcerpt(answer.body.toString('utf8')) : '';
  const reason = excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
  if (!OTLP_RETRYABLE_STATUSES.has(status)) return { kind: 'permanent', status, reason };
  const retryAfterMs = answer.retryAfter === undefined ? undefined : parseRetryAfterMs(answer.retryAfter, nowMs);
  return retryAfterMs === undefined ? { kind: 'retryable', reason } : { kind: 'retryable', reason, retryAfterMs };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `nowMs`; undefined when unreadable. */
export function parseRetryAfterMs(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its day and month; Date.parse alone would read '-1' as a year.
  const date = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A 2xx answer's ExportTraceServiceResponse: an empty or undecodable body is a full success. */
function partialSuccessOf(body: Buffer, protocol: OtlpProtocol): SendResult {
  if (body.length === 0) return { kind: 'ok' };
  let response: IExportTraceServiceResponse;
  try {
    response = protocol === 'http/json' ? JsonTraceSerializer.deserializeResponse(body) : ProtobufTraceSerializer.deserializeResponse(body);
  } catch {
    return { kind: 'ok' };
  }
  // int64: a number from protobuf, a string in proto3 JSON.
  const rejected = Number(response.partialSuccess?.rejectedSpans ?? 0);
  if (!Number.isSafeInteger(rejected) || rejected <= 0) return { kind: 'ok' };
  const message = answerExcerpt(String(response.partialSuccess?.errorMessage ?? ''));
  return message ? { kind: 'ok', rejectedSpans: rejected, reason: message } : { kind: 'ok', rejectedSpans: rejected };
}

/** A protobuf error answer is a google.rpc.Status: shown only when it reads as text (a proxy's HTML or plain error). */
function isText(body: Buffer): boolean {
  return body.length > 0 && !body.subarray(0, 64).some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20));
}
