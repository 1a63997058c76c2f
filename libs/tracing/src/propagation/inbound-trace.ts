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

export interface InboundTraceOptions {
  /**
   * Whether a caller's B3 debug flag (`X-B3-Flags: 1`, `b3: …-d`) forces sampling and is exported and
   * propagated as debug. When false it reads as an ordinary sampled decision, which the sampler treats as
   * it treats `X-B3-Sampled: 1`: so an untrusted caller cannot force every request into the collector.
   */
  readonly honorDebug: boolean;
}

const HONOR_DEBUG: InboundTraceOptions = { honorDebug: true };

/**
 * Reads the caller's trace context: B3 single wins, then B3 multi, then W3C traceparent (the order the
 * B3 spec and Envoy use). Anything malformed is ignored, so a bad context becomes a new root. The caller's
 * tracestate is kept only with the valid traceparent it belongs to.
 */
export function extractInboundTrace(headers: IncomingHttpHeaders, options: InboundTraceOptions = HONOR_DEBUG): InboundTrace {
  const inbound = readInboundTrace(headers);
  return inbound.sampling === 'debug' && !options.honorDebug ? { ...inbound, sampling: 'sampled' } : inbound;
}

function readInboundTrace(headers: IncomingHttpHeaders): InboundTrace {
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
