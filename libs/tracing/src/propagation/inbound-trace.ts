import type { IncomingHttpHeaders } from 'node:http';
import { B3_SINGLE_HEADER, parseB3Multi, parseB3Single } from './b3';
import { TRACEPARENT_HEADER, parseTraceparent } from './traceparent';
import { TRACESTATE_HEADER, parseTracestate } from './tracestate';
import type { InboundTrace } from './trace-ids';

const NO_TRACE: InboundTrace = { sampling: 'deferred' };

/** A header's single value; a repeated trace header is ambiguous and treated as absent. */
function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads the caller's trace context: B3 single wins, then B3 multi, then W3C traceparent (the order the
 * B3 spec and Envoy use). Anything malformed is ignored, so a bad context becomes a new root. The caller's
 * tracestate is kept only with the valid traceparent it belongs to.
 */
export function extractInboundTrace(headers: IncomingHttpHeaders): InboundTrace {
  const fromSingle = parseB3Single(single(headers, B3_SINGLE_HEADER));
  if (fromSingle?.ids !== undefined) return fromSingle;
  const fromMulti = parseB3Multi((name) => single(headers, name));
  if (fromMulti?.ids !== undefined) return fromMulti;
  const fromW3c = parseTraceparent(single(headers, TRACEPARENT_HEADER));
  if (fromW3c !== undefined) {
    const tracestate = parseTracestate(single(headers, TRACESTATE_HEADER));
    return tracestate === undefined ? fromW3c : { ...fromW3c, tracestate };
  }
  return fromSingle ?? fromMulti ?? NO_TRACE;
}
