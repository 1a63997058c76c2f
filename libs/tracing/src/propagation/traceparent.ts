import { parseSpanId, type InboundTrace, type OutboundTrace } from './trace-ids';

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

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
  const sampled = (parseInt(flags, 16) & 1) === 1;
  return { ids: { traceId, spanId }, sampling: sampled ? 'sampled' : 'not_sampled' };
}

/** traceparent needs 32 hex: a 64-bit id is left-padded with zeros (what B3 ↔ W3C bridges do). */
export function formatTraceparent(trace: OutboundTrace): string {
  const traceId = trace.traceId.padStart(32, '0');
  return `00-${traceId}-${trace.spanId}-${trace.sampling === 'not_sampled' ? '00' : '01'}`;
}

// W3C Trace Context §3.3: list-members `key=value`, keys lower-case (optionally tenant@system), values
// printable ASCII without `,` and `=`, at most 32 members.
const TRACESTATE_MEMBER = /^(?:[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}|[a-z][a-z0-9_\-*/]{0,255})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** The tracestate value when it is well-formed, else undefined (a malformed tracestate is discarded). */
export function parseTracestate(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 512) return undefined;
  const members = value.split(',').map((member) => member.trim()).filter((member) => member !== '');
  if (members.length === 0 || members.length > 32 || !members.every((member) => TRACESTATE_MEMBER.test(member))) return undefined;
  return members.join(',');
}
