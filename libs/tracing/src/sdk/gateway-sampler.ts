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
import { memoizeByRatio } from './memoize-by-ratio';

/** Context key carrying the caller's B3 sampling state to the sampler. */
export const INBOUND_SAMPLING_KEY = createContextKey('external-proxy.inbound-sampling');

/** Context key carrying a route's sampling ratio (ProxySpanOptions.samplerRatio) to the sampler. */
export const SAMPLER_RATIO_KEY = createContextKey('external-proxy.sampler-ratio');

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

/** The configured sampler, and what it does for a root span (used for a remote parent that sent no decision). */
interface RatioSamplers {
  readonly configured: Sampler;
  readonly root: Sampler;
}

/**
 * The configured sampler, plus the two B3 rules OpenTelemetry has no notion of: debug (X-B3-Flags: 1)
 * always samples and is marked for export; a remote parent without a decision (deferred) is decided as
 * a root would be, keeping the caller's ids; a decision without ids is honoured by the parent-based
 * samplers. Otherwise the configured sampler decides, with OpenTelemetry's semantics.
 *
 * A route's ratio (SAMPLER_RATIO_KEY) takes the place of the configured ratio for that request: the ratio
 * samplers are built with it (once per ratio value), so every decision they take by ratio uses it, while
 * parent-based ones still follow a caller's decision. The always_* samplers have no ratio and ignore it.
 */
export class GatewaySampler implements Sampler {
  private readonly samplers: RatioSamplers;
  /** Only for traceidratio and parentbased_traceidratio: the samplers for a route's ratio. */
  private readonly samplersForRatio: ((ratio: number) => RatioSamplers) | undefined;
  private readonly honoursCaller: boolean;

  constructor(samplerName: SamplerName, ratio: number) {
    const build = (withRatio: number): RatioSamplers => ({
      configured: buildOtelSampler(samplerName, withRatio),
      root: buildOtelSampler(ROOT_OF[samplerName], withRatio),
    });
    this.samplers = build(ratio);
    this.samplersForRatio = ROOT_OF[samplerName] === 'traceidratio' ? memoizeByRatio(build) : undefined;
    this.honoursCaller = samplerName.startsWith('parentbased_');
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    const inbound = context.getValue(INBOUND_SAMPLING_KEY) as SamplingState | undefined;
    if (inbound === 'debug') {
      return { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { [ZIPKIN_DEBUG_ATTRIBUTE]: true } };
    }
    // `b3: 0` or `X-B3-Sampled: 1` without ids: a decision with no parent to carry it.
    if (parent === undefined && this.honoursCaller && (inbound === 'sampled' || inbound === 'not_sampled')) {
      return { decision: inbound === 'sampled' ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
    }
    const { configured, root } = this.samplersFor(context);
    // A remote parent that sent no decision is decided as a root would be; it keeps the caller's ids.
    const sampler = inbound === 'deferred' && parent?.isRemote === true ? root : configured;
    return sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `GatewaySampler{${this.samplers.configured.toString()}}`;
  }

  private samplersFor(context: Context): RatioSamplers {
    const ratio = context.getValue(SAMPLER_RATIO_KEY);
    return typeof ratio === 'number' && this.samplersForRatio !== undefined ? this.samplersForRatio(ratio) : this.samplers;
  }
}
