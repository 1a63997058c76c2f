import type { PropagatorName } from '@app/config';
import { B3_SINGLE_HEADER, formatB3Multi, formatB3Single } from './b3';
import { TRACEPARENT_HEADER, formatTraceparent } from './traceparent';
import type { OutboundTrace } from './trace-ids';

/** Every trace header we read or write: stripped from the inbound request before we inject our own. */
export const TRACE_HEADERS: readonly string[] = [
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'traceparent',
  'tracestate',
];

/** The headers the configured propagators inject for our CLIENT span (OTEL_PROPAGATORS semantics). */
export function formatTraceHeaders(trace: OutboundTrace, propagators: readonly PropagatorName[]): Record<string, string> {
  let headers: Record<string, string> = {};
  for (const propagator of propagators) {
    if (propagator === 'b3multi') headers = { ...headers, ...formatB3Multi(trace) };
    else if (propagator === 'b3') headers[B3_SINGLE_HEADER] = formatB3Single(trace);
    else headers[TRACEPARENT_HEADER] = formatTraceparent(trace);
  }
  return headers;
}
