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
const OPTIONS: ProxySpanOptions = { name: 'GET /api', serverAttributes: {}, clientAttributes: {} };

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

/** One request through the gateway's trace path: headers in, extraction, both spans, headers out, export. */
function proxy(sampler: SamplerName, headers: IncomingHttpHeaders, honorDebug: boolean): Outcome {
  const { exporter, tracer } = makeTracing(sampler);
  const spans = startProxySpans(tracer, extractInboundTrace(headers, { honorDebug }), OPTIONS);
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
      expect(proxy(sampler, headers, honorDebug)).toEqual(expected);
    });
  });
});
