import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import type { SamplerName } from '@app/config';
import { extractInboundTrace } from '../propagation/inbound-trace';
import { formatTraceHeaders } from '../propagation/outbound-trace-headers';
import { ZIPKIN_DEBUG_ATTRIBUTE } from './gateway-sampler';
import { startProxySpans, type ProxySpanOptions } from './gateway-spans';
import { makeTracing } from './testing/in-memory-tracing';

const TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7';
const CALLER_SPAN_ID = 'e457b5a2e4d86bd1';
const OPTIONS: ProxySpanOptions = { name: 'GET /api', serverAttributes: () => ({}), clientAttributes: () => ({}) };

const MULTI_DEBUG = { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': CALLER_SPAN_ID, 'x-b3-flags': '1' };
const SINGLE_DEBUG = { b3: `${TRACE_ID}-${CALLER_SPAN_ID}-d` };

/** The decision as the upstream reads it in each header form, and which spans were exported as debug or not. */
interface Outcome {
  readonly sampled: string | undefined;
  readonly flags: string | undefined;
  readonly b3: string;
  readonly traceparentFlags: string;
  readonly exported: ReadonlyArray<{ readonly kind: SpanKind; readonly debug: unknown }>;
}

interface Setup {
  readonly sampler: SamplerName;
  /** The configured ratio (OTEL_TRACES_SAMPLER_ARG). */
  readonly ratio?: number;
  readonly honorDebug?: boolean;
  readonly samplerRatio?: number;
}

/** One request through the gateway's trace path: headers in, extraction, both spans, headers out, export. */
function proxy({ sampler, ratio = 1, honorDebug = true, samplerRatio }: Setup, headers: IncomingHttpHeaders): Outcome {
  const { exporter, tracer } = makeTracing(sampler, ratio);
  const spans = startProxySpans(tracer, extractInboundTrace(headers, { honorDebug }), { ...OPTIONS, samplerRatio });
  spans.client.end();
  spans.server.end();
  const sent = formatTraceHeaders(spans.outbound, ['b3multi', 'b3', 'tracecontext']);
  return {
    sampled: sent['x-b3-sampled'],
    flags: sent['x-b3-flags'],
    b3: sent.b3.split('-')[2],
    traceparentFlags: sent.traceparent.slice(-2),
    exported: exporter.getFinishedSpans().map((span) => ({ kind: span.kind, debug: span.attributes[ZIPKIN_DEBUG_ATTRIBUTE] })),
  };
}

const BOTH_SPANS = (debug: true | undefined): Outcome['exported'] => [{ kind: SpanKind.CLIENT, debug }, { kind: SpanKind.SERVER, debug }];
const DEBUG = (traceparentFlags: string): Outcome => ({ sampled: undefined, flags: '1', b3: 'd', traceparentFlags, exported: BOTH_SPANS(true) });
const SAMPLED = (traceparentFlags: string): Outcome => ({ sampled: '1', flags: undefined, b3: '1', traceparentFlags, exported: BOTH_SPANS(undefined) });
const NOT_SAMPLED = (traceparentFlags: string): Outcome => ({ sampled: '0', flags: undefined, b3: '0', traceparentFlags, exported: [] });

describe(startProxySpans.name, () => {
  describe('a caller\'s B3 debug flag, extracted with honorDebug', () => {
    it.each<[string, SamplerName, IncomingHttpHeaders, boolean, Outcome]>([
      // Honoured (the default): always sampled, exported and propagated as debug.
      ['X-B3-Flags: 1 honoured, always_off', 'always_off', MULTI_DEBUG, true, DEBUG('01')],
      ['b3 d honoured, always_off', 'always_off', SINGLE_DEBUG, true, DEBUG('01')],
      ['b3: d alone honoured, always_off (a new, random trace)', 'always_off', { b3: 'd' }, true, DEBUG('03')],
      // Not honoured: an ordinary sampled decision, which parent-based samplers follow ...
      ['X-B3-Flags: 1 not honoured, parentbased_always_off', 'parentbased_always_off', MULTI_DEBUG, false, SAMPLED('01')],
      ['X-B3-Flags: 1 over Sampled: 0 not honoured, parentbased_always_off', 'parentbased_always_off', { ...MULTI_DEBUG, 'x-b3-sampled': '0' }, false, SAMPLED('01')],
      ['b3 d not honoured, parentbased_traceidratio', 'parentbased_traceidratio', SINGLE_DEBUG, false, SAMPLED('01')],
      ['b3: d alone not honoured, parentbased_always_off', 'parentbased_always_off', { b3: 'd' }, false, SAMPLED('03')],
      ['X-B3-Flags: 1 alone not honoured, parentbased_always_off', 'parentbased_always_off', { 'x-b3-flags': '1' }, false, SAMPLED('03')],
      ['X-B3-Flags: 1 not honoured, always_on', 'always_on', MULTI_DEBUG, false, SAMPLED('01')],
      // ... and the others ignore, as they ignore X-B3-Sampled: 1.
      ['X-B3-Flags: 1 not honoured, always_off', 'always_off', MULTI_DEBUG, false, NOT_SAMPLED('00')],
      ['b3 d not honoured, always_off', 'always_off', SINGLE_DEBUG, false, NOT_SAMPLED('00')],
      ['b3: d alone not honoured, always_off', 'always_off', { b3: 'd' }, false, NOT_SAMPLED('02')],
      ['X-B3-Flags: 1 alone not honoured, always_off', 'always_off', { 'x-b3-flags': '1' }, false, NOT_SAMPLED('02')],
    ])('should handle %s', (_case, sampler, headers, honorDebug, expected) => {
      expect(proxy({ sampler, honorDebug }, headers)).toEqual(expected);
    });
  });

  describe('a route\'s samplerRatio', () => {
    const DEFERRED_CALLER = { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': CALLER_SPAN_ID };
    it.each<[string, Setup, IncomingHttpHeaders, Outcome]>([
      // Without one, the configured ratio decides.
      ['none: a new trace at the configured ratio 1', { sampler: 'parentbased_traceidratio', ratio: 1 }, {}, SAMPLED('03')],
      ['none: a new trace at the configured ratio 0', { sampler: 'parentbased_traceidratio', ratio: 0 }, {}, NOT_SAMPLED('02')],
      // With one, it decides what the configured ratio would have decided ...
      ['0 over the configured 1: a new trace', { sampler: 'parentbased_traceidratio', ratio: 1, samplerRatio: 0 }, {}, NOT_SAMPLED('02')],
      ['1 over the configured 0: a new trace', { sampler: 'parentbased_traceidratio', ratio: 0, samplerRatio: 1 }, {}, SAMPLED('03')],
      ['1 over the configured 0: a caller without a decision', { sampler: 'parentbased_traceidratio', ratio: 0, samplerRatio: 1 }, DEFERRED_CALLER, SAMPLED('01')],
      ['0 over the configured 1: a caller without a decision', { sampler: 'parentbased_traceidratio', ratio: 1, samplerRatio: 0 }, DEFERRED_CALLER, NOT_SAMPLED('00')],
      ['1 over the configured 0 with traceidratio: both spans alike', { sampler: 'traceidratio', ratio: 0, samplerRatio: 1 }, {}, SAMPLED('03')],
      ['0 over the configured 1 with traceidratio, whatever the caller sent', { sampler: 'traceidratio', ratio: 1, samplerRatio: 0 }, { ...DEFERRED_CALLER, 'x-b3-sampled': '1' }, NOT_SAMPLED('00')],
      // ... a parent-based sampler still follows the caller ...
      ['0 with a sampled caller', { sampler: 'parentbased_traceidratio', ratio: 1, samplerRatio: 0 }, { ...DEFERRED_CALLER, 'x-b3-sampled': '1' }, SAMPLED('01')],
      ['1 with an unsampled caller', { sampler: 'parentbased_traceidratio', ratio: 0, samplerRatio: 1 }, { ...DEFERRED_CALLER, 'x-b3-sampled': '0' }, NOT_SAMPLED('00')],
      ['0 with a sampled traceparent caller', { sampler: 'parentbased_traceidratio', ratio: 1, samplerRatio: 0 }, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-03` }, SAMPLED('03')],
      ['0 with a debug caller', { sampler: 'parentbased_traceidratio', ratio: 1, samplerRatio: 0 }, MULTI_DEBUG, DEBUG('01')],
      // ... and samplers without a ratio ignore it.
      ['0 with always_on', { sampler: 'always_on', samplerRatio: 0 }, {}, SAMPLED('03')],
      ['1 with always_off', { sampler: 'always_off', samplerRatio: 1 }, {}, NOT_SAMPLED('02')],
      ['0 with parentbased_always_on', { sampler: 'parentbased_always_on', samplerRatio: 0 }, DEFERRED_CALLER, SAMPLED('01')],
      ['1 with parentbased_always_off', { sampler: 'parentbased_always_off', samplerRatio: 1 }, DEFERRED_CALLER, NOT_SAMPLED('00')],
    ])('should apply %s', (_case, setup, headers, expected) => {
      expect(proxy(setup, headers)).toEqual(expected);
    });
  });
});
