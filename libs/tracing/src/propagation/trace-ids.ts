/** What a caller can tell us about sampling: B3's four states (deferred = no decision sent). */
export type SamplingState = 'sampled' | 'not_sampled' | 'debug' | 'deferred';

/** A decision taken by our sampler, as sent upstream: always explicit (Istio honours it). */
export type SamplingDecision = Exclude<SamplingState, 'deferred'>;

export interface TraceIds {
  /** 16 or 32 lower-hex characters, as received (b3-propagation#47: keep the length). */
  readonly traceId: string;
  /** 16 lower-hex characters. */
  readonly spanId: string;
}

/** The trace context read from an inbound request; ids absent = start a new trace. */
export interface InboundTrace {
  readonly ids?: TraceIds;
  readonly sampling: SamplingState;
  /** The caller's W3C tracestate: only when the context came from a valid traceparent (W3C §3.3). */
  readonly tracestate?: string;
  /**
   * The caller's W3C random-trace-id flag (trace-flags 0x02, Trace Context Level 2): only on a context read
   * from traceparent; B3 has no such flag, so a B3 context never claims a random trace id.
   */
  readonly random?: boolean;
}

/** What we send upstream for our CLIENT span. */
export interface OutboundTrace {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly sampling: SamplingDecision;
  /** W3C random-trace-id flag: at least the right-most 7 bytes of the trace id are random (Level 2). */
  readonly random: boolean;
}

const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

/** A valid, non-zero trace id in lower case, or undefined. Upper-case hex is accepted and lowered. */
export function parseTraceId(value: string | undefined): string | undefined {
  const id = value?.trim().toLowerCase();
  return id !== undefined && TRACE_ID.test(id) && !ALL_ZERO.test(id) ? id : undefined;
}

/** A valid, non-zero span id in lower case, or undefined. */
export function parseSpanId(value: string | undefined): string | undefined {
  const id = value?.trim().toLowerCase();
  return id !== undefined && SPAN_ID.test(id) && !ALL_ZERO.test(id) ? id : undefined;
}

/** OpenTelemetry ids are always 32 hex; a 64-bit B3 trace id is left-padded with zeros. */
export function toOtelTraceId(traceId: string): string {
  return traceId.length === 16 ? `0000000000000000${traceId}` : traceId;
}

/** The inverse of toOtelTraceId: a zero high half means a 64-bit id, sent and exported as 16 hex. */
export function toWireTraceId(otelTraceId: string): string {
  return otelTraceId.startsWith('0000000000000000') ? otelTraceId.slice(16) : otelTraceId;
}
