import { createContextKey, trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace';
import type { SamplerName } from '@app/config';
import type { SamplingState } from '../propagation/trace-ids';

/** Context key carrying the caller's B3 sampling state to the sampler. */
export const INBOUND_SAMPLING_KEY = createContextKey('external-proxy.inbound-sampling');

/** Span attribute that marks a debug trace; the Zipkin mapping turns it into `debug: true`. */
export const ZIPKIN_DEBUG_ATTRIBUTE = 'zipkin.debug';

const ROOT_OF: Readonly<Record<SamplerName, SamplerName>> = {
  always_on: 'always_on',
  always_off: 'always_off',
  traceidratio: 'traceidratio',
  parentbased_always_on: 'always_on',
  parentbased_always_off: 'always_off',
  parentbased_traceidratio: 'traceidratio',
};

/** The OTEL_TRACES_SAMPLER samplers, built the way the OpenTelemetry SDK's env reader builds them. */
function buildOtelSampler(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * The configured sampler, plus the two B3 rules OpenTelemetry has no notion of: debug (X-B3-Flags: 1)
 * always samples and is marked for export; a remote parent without a decision (deferred) is decided as
 * a root would be, keeping the caller's ids; a decision without ids is honoured by the parent-based
 * samplers. Otherwise the configured sampler decides, with OpenTelemetry's semantics.
 */
export class GatewaySampler implements Sampler {
  private readonly configured: Sampler;
  /** What the configured sampler does for a root span: used for a remote parent that sent no decision. */
  private readonly rootSampler: Sampler;
  private readonly honoursCaller: boolean;

  constructor(samplerName: SamplerName, ratio: number) {
    this.configured = buildOtelSampler(samplerName, ratio);
    this.rootSampler = buildOtelSampler(ROOT_OF[samplerName], ratio);
    this.honoursCaller = samplerName.startsWith('parentbased_');
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    const inbound = context.getValue(INBOUND_SAMPLING_KEY) as SamplingState | undefined;
    if (inbound === 'debug') {
      return { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { [ZIPKIN_DEBUG_ATTRIBUTE]: true } };
    }
    if (inbound === 'deferred' && parent?.isRemote === true) {
      return this.rootSampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    }
    // `b3: 0` or `X-B3-Sampled: 1` without ids: a decision with no parent to carry it.
    if (parent === undefined && this.honoursCaller && (inbound === 'sampled' || inbound === 'not_sampled')) {
      return { decision: inbound === 'sampled' ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
    }
    return this.configured.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `GatewaySampler{${this.configured.toString()}}`;
  }
}
