import { parseSpanId, parseTraceId, type InboundTrace, type OutboundTrace, type SamplingState } from './trace-ids';

/** Header names, lower case as Node presents them (HTTP header names are case-insensitive). */
export const B3_SINGLE_HEADER = 'b3';
export const B3_MULTI_HEADERS = {
  traceId: 'x-b3-traceid',
  spanId: 'x-b3-spanid',
  parentSpanId: 'x-b3-parentspanid',
  sampled: 'x-b3-sampled',
  flags: 'x-b3-flags',
} as const;

// Maps, not object literals: a header value such as `constructor` must not find Object.prototype members.
const SINGLE_SAMPLING: ReadonlyMap<string, SamplingState> = new Map([['1', 'sampled'], ['0', 'not_sampled'], ['d', 'debug']]);
const MULTI_SAMPLED: ReadonlyMap<string, SamplingState> = new Map([['1', 'sampled'], ['0', 'not_sampled'], ['true', 'sampled'], ['false', 'not_sampled']]);

/**
 * `b3: {traceId}-{spanId}[-{1|0|d}[-{parentSpanId}]]`, or a sampling state alone (`b3: 0`).
 * Returns undefined when the header is absent or malformed (then it is treated as absent).
 */
export function parseB3Single(value: string | undefined): InboundTrace | undefined {
  if (value === undefined) return undefined;
  const parts = value.trim().split('-');
  if (parts.length === 1) {
    const sampling = SINGLE_SAMPLING.get(parts[0]);
    return sampling === undefined ? undefined : { sampling };
  }
  if (parts.length > 4) return undefined;
  const [rawTraceId, rawSpanId, rawSampling, rawParent] = parts;
  const traceId = parseTraceId(rawTraceId);
  const spanId = parseSpanId(rawSpanId);
  const sampling = rawSampling === undefined ? 'deferred' : SINGLE_SAMPLING.get(rawSampling);
  const parentValid = rawParent === undefined || parseSpanId(rawParent) !== undefined;
  if (traceId === undefined || spanId === undefined || sampling === undefined || !parentValid) return undefined;
  return { ids: { traceId, spanId }, sampling };
}

/**
 * The X-B3-* headers. Flags: 1 means debug (and implies sampled). Malformed ids drop the ids but keep a
 * valid sampling decision; a malformed decision is treated as absent (deferred).
 */
export function parseB3Multi(get: (name: string) => string | undefined): InboundTrace | undefined {
  const rawTraceId = get(B3_MULTI_HEADERS.traceId);
  const rawSpanId = get(B3_MULTI_HEADERS.spanId);
  const rawSampled = get(B3_MULTI_HEADERS.sampled)?.trim().toLowerCase();
  const debug = get(B3_MULTI_HEADERS.flags)?.trim() === '1';
  if (rawTraceId === undefined && rawSpanId === undefined && rawSampled === undefined && !debug) return undefined;
  const sampling: SamplingState = debug ? 'debug' : (MULTI_SAMPLED.get(rawSampled ?? '') ?? 'deferred');
  const traceId = parseTraceId(rawTraceId);
  const spanId = parseSpanId(rawSpanId);
  return traceId !== undefined && spanId !== undefined ? { ids: { traceId, spanId }, sampling } : { sampling };
}

/** X-B3-* for our CLIENT span: never an empty header, always an explicit decision. */
export function formatB3Multi(trace: OutboundTrace): Record<string, string> {
  const headers: Record<string, string> = {
    [B3_MULTI_HEADERS.traceId]: trace.traceId,
    [B3_MULTI_HEADERS.spanId]: trace.spanId,
    [B3_MULTI_HEADERS.parentSpanId]: trace.parentSpanId,
  };
  if (trace.sampling === 'debug') headers[B3_MULTI_HEADERS.flags] = '1';
  else headers[B3_MULTI_HEADERS.sampled] = trace.sampling === 'sampled' ? '1' : '0';
  return headers;
}

export function formatB3Single(trace: OutboundTrace): string {
  const sampling = trace.sampling === 'debug' ? 'd' : trace.sampling === 'sampled' ? '1' : '0';
  return `${trace.traceId}-${trace.spanId}-${sampling}-${trace.parentSpanId}`;
}
