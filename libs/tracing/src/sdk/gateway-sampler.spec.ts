import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Context } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler, type SamplingResult } from '@opentelemetry/sdk-trace';
import type { SamplerName } from '@app/config';
import type { SamplingState } from '../propagation/trace-ids';
import { GatewaySampler, INBOUND_SAMPLING_KEY, SAMPLER_RATIO_KEY, ZIPKIN_DEBUG_ATTRIBUTE } from './gateway-sampler';

const TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7';
const CALLER_SPAN_ID = 'e457b5a2e4d86bd1';

/** How the caller's context reaches the sampler: no parent, or a parent whose flags carry its decision. */
type Parent = 'none' | 'remote_sampled' | 'remote_not_sampled' | 'local_sampled';

function makeContext(inbound: SamplingState | undefined, parent: Parent, routeRatio?: number): Context {
  const withRatio = routeRatio === undefined ? ROOT_CONTEXT : ROOT_CONTEXT.setValue(SAMPLER_RATIO_KEY, routeRatio);
  const base = inbound === undefined ? withRatio : withRatio.setValue(INBOUND_SAMPLING_KEY, inbound);
  if (parent === 'none') return base;
  return trace.setSpanContext(base, {
    traceId: TRACE_ID,
    spanId: CALLER_SPAN_ID,
    traceFlags: parent === 'remote_not_sampled' ? TraceFlags.NONE : TraceFlags.SAMPLED,
    isRemote: parent !== 'local_sampled',
  });
}

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };
const NOT_SAMPLED: SamplingResult = { decision: SamplingDecision.NOT_RECORD };
const DEBUG: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { [ZIPKIN_DEBUG_ATTRIBUTE]: true } };

const ALL_SAMPLERS: readonly SamplerName[] = [
  'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio',
];

describe(GatewaySampler.name, () => {
  describe('shouldSample', () => {
    const decide = (sampler: SamplerName, ratio: number, inbound: SamplingState | undefined, parent: Parent): SamplingResult =>
      new GatewaySampler(sampler, ratio).shouldSample(makeContext(inbound, parent), TRACE_ID, 'get /', SpanKind.SERVER, {}, []);

    it.each(ALL_SAMPLERS.flatMap((sampler) => [0, 1].flatMap((ratio) => (['remote_sampled', 'remote_not_sampled', 'none'] as const).map(
      (parent) => [sampler, ratio, parent] as const,
    ))))('should always sample a debug caller and mark it: %s ratio %d, parent %s', (sampler, ratio, parent) => {
      expect(decide(sampler, ratio, 'debug', parent)).toEqual(DEBUG);
    });

    it.each<[SamplerName, number, SamplingResult]>([
      ['always_on', 1, SAMPLED],
      ['always_off', 1, NOT_SAMPLED],
      ['traceidratio', 1, SAMPLED],
      ['traceidratio', 0, NOT_SAMPLED],
      ['parentbased_always_on', 1, SAMPLED],
      ['parentbased_always_off', 1, NOT_SAMPLED],
      ['parentbased_traceidratio', 1, SAMPLED],
      ['parentbased_traceidratio', 0, NOT_SAMPLED],
    ])('should decide a deferred remote parent as a root would: %s ratio %d', (sampler, ratio, expected) => {
      expect(decide(sampler, ratio, 'deferred', 'remote_not_sampled')).toEqual(expected);
    });

    it.each<[SamplerName, number, SamplingResult]>([
      ['always_on', 1, SAMPLED],
      ['always_off', 1, NOT_SAMPLED],
      ['traceidratio', 1, SAMPLED],
      ['traceidratio', 0, NOT_SAMPLED],
      ['parentbased_always_on', 1, SAMPLED],
      ['parentbased_always_off', 1, NOT_SAMPLED],
      ['parentbased_traceidratio', 1, SAMPLED],
      ['parentbased_traceidratio', 0, NOT_SAMPLED],
    ])('should decide a new trace (deferred, no parent) with the root sampler: %s ratio %d', (sampler, ratio, expected) => {
      expect(decide(sampler, ratio, 'deferred', 'none')).toEqual(expected);
    });

    it.each<[SamplerName, number, SamplingState, Parent, SamplingResult]>([
      // Parent-based samplers follow the caller's explicit decision whatever their root does.
      ['parentbased_always_on', 1, 'sampled', 'remote_sampled', SAMPLED],
      ['parentbased_always_off', 1, 'sampled', 'remote_sampled', SAMPLED],
      ['parentbased_traceidratio', 0, 'sampled', 'remote_sampled', SAMPLED],
      ['parentbased_always_on', 1, 'not_sampled', 'remote_not_sampled', NOT_SAMPLED],
      ['parentbased_always_off', 1, 'not_sampled', 'remote_not_sampled', NOT_SAMPLED],
      ['parentbased_traceidratio', 1, 'not_sampled', 'remote_not_sampled', NOT_SAMPLED],
      // The others ignore the parent (OpenTelemetry semantics).
      ['always_on', 1, 'not_sampled', 'remote_not_sampled', SAMPLED],
      ['always_off', 1, 'sampled', 'remote_sampled', NOT_SAMPLED],
      ['traceidratio', 0, 'sampled', 'remote_sampled', NOT_SAMPLED],
      ['traceidratio', 1, 'not_sampled', 'remote_not_sampled', SAMPLED],
    ])('should apply %s (ratio %d) to a caller that sent %s with ids', (sampler, ratio, inbound, parent, expected) => {
      expect(decide(sampler, ratio, inbound, parent)).toEqual(expected);
    });

    it.each<[SamplerName, number, SamplingState, SamplingResult]>([
      // `b3: 1` / `b3: 0` alone: honoured by the parent-based samplers.
      ['parentbased_always_on', 1, 'sampled', SAMPLED],
      ['parentbased_always_off', 1, 'sampled', SAMPLED],
      ['parentbased_traceidratio', 0, 'sampled', SAMPLED],
      ['parentbased_always_on', 1, 'not_sampled', NOT_SAMPLED],
      ['parentbased_always_off', 1, 'not_sampled', NOT_SAMPLED],
      ['parentbased_traceidratio', 1, 'not_sampled', NOT_SAMPLED],
      // ... and not by the others, which have no notion of a parent.
      ['always_on', 1, 'not_sampled', SAMPLED],
      ['always_off', 1, 'sampled', NOT_SAMPLED],
      ['traceidratio', 0, 'sampled', NOT_SAMPLED],
      ['traceidratio', 1, 'not_sampled', SAMPLED],
    ])('should apply %s (ratio %d) to a decision without ids: %s', (sampler, ratio, inbound, expected) => {
      expect(decide(sampler, ratio, inbound, 'none')).toEqual(expected);
    });

    it.each<[SamplerName, SamplingResult]>([
      ['parentbased_always_off', SAMPLED],
      ['always_off', NOT_SAMPLED],
    ])('should leave a local child span (no inbound state) to %s', (sampler, expected) => {
      expect(decide(sampler, 1, undefined, 'local_sampled')).toEqual(expected);
    });

    const decideForRoute = (sampler: SamplerName, ratio: number, routeRatio: number, inbound: SamplingState | undefined, parent: Parent): SamplingResult =>
      new GatewaySampler(sampler, ratio).shouldSample(makeContext(inbound, parent, routeRatio), TRACE_ID, 'get /', SpanKind.SERVER, {}, []);

    it.each<[SamplerName, number, number, SamplingState | undefined, Parent, SamplingResult]>([
      // No decision from the caller: a new trace, or a remote parent that deferred.
      ['traceidratio', 1, 0, 'deferred', 'none', NOT_SAMPLED],
      ['traceidratio', 0, 1, 'deferred', 'none', SAMPLED],
      ['traceidratio', 0, 1, 'deferred', 'remote_not_sampled', SAMPLED],
      ['parentbased_traceidratio', 1, 0, 'deferred', 'none', NOT_SAMPLED],
      ['parentbased_traceidratio', 0, 1, 'deferred', 'none', SAMPLED],
      ['parentbased_traceidratio', 1, 0, 'deferred', 'remote_not_sampled', NOT_SAMPLED],
      ['parentbased_traceidratio', 0, 1, 'deferred', 'remote_not_sampled', SAMPLED],
      // Parent-based: a caller's explicit decision still wins, with or without ids.
      ['parentbased_traceidratio', 1, 0, 'sampled', 'remote_sampled', SAMPLED],
      ['parentbased_traceidratio', 0, 1, 'not_sampled', 'remote_not_sampled', NOT_SAMPLED],
      ['parentbased_traceidratio', 1, 0, 'sampled', 'none', SAMPLED],
      ['parentbased_traceidratio', 0, 1, 'not_sampled', 'none', NOT_SAMPLED],
      // traceidratio ignores the caller, so the route's ratio decides as the configured one would.
      ['traceidratio', 1, 0, 'sampled', 'remote_sampled', NOT_SAMPLED],
      ['traceidratio', 0, 1, 'not_sampled', 'none', SAMPLED],
      // Our CLIENT span (a local child, the context still carrying the route): the same decision as SERVER.
      ['traceidratio', 1, 0, 'deferred', 'local_sampled', NOT_SAMPLED],
      ['traceidratio', 0, 1, 'deferred', 'local_sampled', SAMPLED],
      ['parentbased_traceidratio', 1, 0, 'deferred', 'local_sampled', SAMPLED],
      // Debug outranks any ratio.
      ['traceidratio', 1, 0, 'debug', 'none', DEBUG],
      ['parentbased_traceidratio', 1, 0, 'debug', 'remote_not_sampled', DEBUG],
      // Samplers without a ratio ignore the route's.
      ['always_on', 1, 0, 'deferred', 'none', SAMPLED],
      ['always_off', 0, 1, 'deferred', 'none', NOT_SAMPLED],
      ['parentbased_always_on', 1, 0, 'deferred', 'none', SAMPLED],
      ['parentbased_always_on', 1, 0, 'deferred', 'remote_not_sampled', SAMPLED],
      ['parentbased_always_off', 0, 1, 'deferred', 'none', NOT_SAMPLED],
      ['parentbased_always_off', 0, 1, 'deferred', 'remote_not_sampled', NOT_SAMPLED],
    ])('should apply %s (ratio %d, route ratio %d) to %s with parent %s', (sampler, ratio, routeRatio, inbound, parent, expected) => {
      expect(decideForRoute(sampler, ratio, routeRatio, inbound, parent)).toEqual(expected);
    });

    /**
     * Trace ids spread evenly over the ratio sampler's range: it compares the xor of the four 32-bit words,
     * here i·2^26 (the low bit set in the first and last words keeps id 0 valid and cancels out).
     */
    const TRACE_IDS = Array.from({ length: 64 }, (_, i) => `${(i * 0x4000000 + 1).toString(16).padStart(8, '0')}${'0'.repeat(23)}1`);

    it.each<[SamplerName, number]>([
      ['traceidratio', 0.1],
      ['traceidratio', 0.25],
      ['traceidratio', 0.5],
      ['parentbased_traceidratio', 0.5],
      ['parentbased_traceidratio', 0.9],
    ])('should decide %s for a route ratio of %d as OpenTelemetry\'s TraceIdRatioBasedSampler does', (sampler, routeRatio) => {
      const reference = new TraceIdRatioBasedSampler(routeRatio);
      const sut = new GatewaySampler(sampler, 1 - routeRatio);
      const decisions = (sample: (traceId: string) => SamplingResult) => TRACE_IDS.map((traceId) => sample(traceId).decision);
      const expected = decisions((traceId) => reference.shouldSample(ROOT_CONTEXT, traceId));
      expect(decisions((traceId) => sut.shouldSample(makeContext('deferred', 'none', routeRatio), traceId, 'get /', SpanKind.SERVER, {}, []))).toEqual(expected);
      expect(expected.filter((decision) => decision === SamplingDecision.RECORD_AND_SAMPLED)).toHaveLength(Math.ceil(64 * routeRatio));
    });

    it('should decide each request by its own route ratio on one sampler, the configured ratio without one', () => {
      const sut = new GatewaySampler('parentbased_traceidratio', 1);
      const routeRatios = [0, undefined, 0, 1, undefined, 0];
      const decisions = routeRatios.map((routeRatio) => sut.shouldSample(makeContext('deferred', 'none', routeRatio), TRACE_ID, 'get /', SpanKind.SERVER, {}, []));
      expect(decisions).toEqual([NOT_SAMPLED, SAMPLED, NOT_SAMPLED, SAMPLED, SAMPLED, NOT_SAMPLED]);
    });
  });

  describe('toString', () => {
    it.each<[SamplerName, number, string]>([
      ['always_on', 1, 'GatewaySampler{AlwaysOnSampler}'],
      ['traceidratio', 0.25, 'GatewaySampler{TraceIdRatioBased{0.25}}'],
      ['parentbased_always_off', 1, 'GatewaySampler{ParentBased{root=AlwaysOffSampler, remoteParentSampled=AlwaysOnSampler, '
        + 'remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}}'],
    ])('should name %s (ratio %d)', (sampler, ratio, expected) => {
      expect(new GatewaySampler(sampler, ratio).toString()).toBe(expected);
    });
  });
});
