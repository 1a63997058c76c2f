import { parseSpanId, type InboundTrace, type OutboundTrace } from './trace-ids';

export const TRACEPARENT_HEADER = 'traceparent';

const SAMPLED_FLAG = 0x01;
/** Level 2: the trace id's right-most 7 bytes are random; kept on every traceparent with that trace id. */
const RANDOM_FLAG = 0x02;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C `traceparent: {version}-{trace-id}-{parent-id}-{flags}`. Version ff and all-zero ids are invalid;
 * version 00 allows nothing after the flags; later versions may append fields.
 */
export function parseTraceparent(value: string | undefined): InboundTrace | undefined {
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim());
  if (match === null) return undefined;
  const [, version, rawTraceId, rawSpanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(rawTraceId)) return undefined;
  const spanId = parseSpanId(rawSpanId);
  if (spanId === undefined) return undefined;
  // A W3C trace id whose high half is zero came from a 64-bit system: keep it 64-bit on B3.
  const traceId = rawTraceId.startsWith('0000000000000000') ? rawTraceId.slice(16) : rawTraceId;
  // A bit field: each flag is read from its own bit, never by comparing the whole value (W3C trace-flags).
  const bits = parseInt(flags, 16);
  return {
    ids: { traceId, spanId },
    sampling: (bits & SAMPLED_FLAG) === SAMPLED_FLAG ? 'sampled' : 'not_sampled',
    random: (bits & RANDOM_FLAG) === RANDOM_FLAG,
  };
}

/** trace-flags for each value of sampled | random; the reserved bits stay zero (W3C: vendors MUST set them to zero). */
const TRACE_FLAGS: readonly string[] = ['00', '01', '02', '03'];

/**
 * traceparent needs 32 hex: a 64-bit id is left-padded with zeros (what B3 ↔ W3C bridges do). W3C has no
 * debug flag: debug is written as sampled.
 */
export function formatTraceparent(trace: OutboundTrace): string {
  const traceId = trace.traceId.padStart(32, '0');
  const flags = (trace.sampling === 'not_sampled' ? 0 : SAMPLED_FLAG) | (trace.random ? RANDOM_FLAG : 0);
  return `00-${traceId}-${trace.spanId}-${TRACE_FLAGS[flags]}`;
}
