import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { toOtelTraceId, toWireTraceId, type InboundTrace, type OutboundTrace, type SamplingDecision, type SamplingState } from '../propagation/trace-ids';
import { INBOUND_SAMPLING_KEY, SAMPLER_RATIO_KEY } from './gateway-sampler';
import { memoizeByRatio } from './memoize-by-ratio';

export interface ProxySpans {
  readonly server: Span;
  readonly client: Span;
  /** What we inject upstream: our CLIENT span id, our SERVER span id as parent, an explicit decision. */
  readonly outbound: OutboundTrace;
}

export interface ProxySpanOptions {
  readonly name: string;
  /**
   * Each span's attributes, built only when the span records: an unsampled request builds none (the SDK
   * would validate and copy them before it even asks the sampler).
   */
  readonly serverAttributes: () => Attributes;
  readonly clientAttributes: () => Attributes;
  /** When the request arrived and when its upstream call starts (spanTimeAt); the SDK's clock otherwise. */
  readonly serverStartTime?: HrTime;
  readonly clientStartTime?: HrTime;
  /**
   * This route's sampling ratio: traceidratio and parentbased_traceidratio decide with it instead of the
   * configured ratio (GatewaySampler). Absent: the configured ratio.
   */
  readonly samplerRatio?: number;
}

type SamplingContexts = Readonly<Record<SamplingState, Context>>;

function samplingContexts(base: Context): SamplingContexts {
  return {
    sampled: base.setValue(INBOUND_SAMPLING_KEY, 'sampled'),
    not_sampled: base.setValue(INBOUND_SAMPLING_KEY, 'not_sampled'),
    debug: base.setValue(INBOUND_SAMPLING_KEY, 'debug'),
    deferred: base.setValue(INBOUND_SAMPLING_KEY, 'deferred'),
  };
}

/**
 * Contexts are immutable: the one of each sampling state (all a caller without ids brings) is made once,
 * and once per route ratio.
 */
const SAMPLING_CONTEXTS = samplingContexts(ROOT_CONTEXT);
const routeSamplingContexts = memoizeByRatio((ratio) => samplingContexts(ROOT_CONTEXT.setValue(SAMPLER_RATIO_KEY, ratio)));

/** The caller's context as a remote parent, with its B3 sampling state and the route's ratio for GatewaySampler. */
export function contextFromInbound(inbound: InboundTrace, samplerRatio?: number): Context {
  const base = (samplerRatio === undefined ? SAMPLING_CONTEXTS : routeSamplingContexts(samplerRatio))[inbound.sampling];
  if (inbound.ids === undefined) return base;
  return trace.setSpanContext(base, {
    traceId: toOtelTraceId(inbound.ids.traceId),
    spanId: inbound.ids.spanId,
    traceFlags: inbound.sampling === 'sampled' || inbound.sampling === 'debug' ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/**
 * Starts the SERVER span (child of the caller's span) and the CLIENT span (child of ours) for one proxied
 * request. Both get fresh span ids even when not sampled, so the ids still propagate (with sampled 0).
 * The W3C random-trace-id flag: a continued trace keeps the caller's (W3C Level 2 requires it; a B3 caller
 * says nothing, so false); a new trace id is ours, and GatewayIdGenerator draws it from a CSPRNG.
 */
export function startProxySpans(tracer: Tracer, inbound: InboundTrace, options: ProxySpanOptions): ProxySpans {
  const parent = contextFromInbound(inbound, options.samplerRatio);
  const server = tracer.startSpan(options.name, { kind: SpanKind.SERVER, startTime: options.serverStartTime }, parent);
  const client = tracer.startSpan(options.name, { kind: SpanKind.CLIENT, startTime: options.clientStartTime }, trace.setSpan(parent, server));
  if (server.isRecording()) server.setAttributes(options.serverAttributes());
  if (client.isRecording()) client.setAttributes(options.clientAttributes());
  const clientContext = client.spanContext();
  const sampled = (clientContext.traceFlags & TraceFlags.SAMPLED) !== 0;
  const sampling: SamplingDecision = inbound.sampling === 'debug' ? 'debug' : sampled ? 'sampled' : 'not_sampled';
  return {
    server,
    client,
    outbound: {
      traceId: toWireTraceId(clientContext.traceId),
      spanId: clientContext.spanId,
      parentSpanId: server.spanContext().spanId,
      sampling,
      random: inbound.ids === undefined || inbound.random === true,
    },
  };
}
