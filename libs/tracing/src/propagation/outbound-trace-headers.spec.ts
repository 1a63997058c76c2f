import type { PropagatorName } from '@app/config';
import { TRACE_HEADERS, formatTraceHeaders } from './outbound-trace-headers';
import type { OutboundTrace } from './trace-ids';

const TRACE_ID_128 = '80f198ee56343ba864fe8b2a57d3eff7';
const TRACE_ID_64 = '64fe8b2a57d3eff7';
const SPAN_ID = 'e457b5a2e4d86bd1';
const PARENT_ID = '05e3ac9a4f6e3b90';

function makeOutbound(overrides: Partial<OutboundTrace> = {}): OutboundTrace {
  return { traceId: TRACE_ID_128, spanId: SPAN_ID, parentSpanId: PARENT_ID, sampling: 'sampled', random: false, ...overrides };
}

const MULTI = { 'x-b3-traceid': TRACE_ID_128, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-sampled': '1' };
const SINGLE = { b3: `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID}` };
const W3C = { traceparent: `00-${TRACE_ID_128}-${SPAN_ID}-01` };

describe('outbound-trace-headers', () => {
  describe(formatTraceHeaders.name, () => {
    it.each<[string, readonly PropagatorName[], OutboundTrace, Record<string, string>]>([
      ['nothing for no propagator', [], makeOutbound(), {}],
      ['X-B3-* for b3multi', ['b3multi'], makeOutbound(), MULTI],
      ['the b3 header for b3', ['b3'], makeOutbound(), SINGLE],
      ['traceparent for tracecontext', ['tracecontext'], makeOutbound(), W3C],
      ['X-B3-* and traceparent for b3multi,tracecontext', ['b3multi', 'tracecontext'], makeOutbound(), { ...MULTI, ...W3C }],
      ['b3 and traceparent for b3,tracecontext', ['b3', 'tracecontext'], makeOutbound(), { ...SINGLE, ...W3C }],
      ['both B3 forms for b3multi,b3', ['b3multi', 'b3'], makeOutbound(), { ...MULTI, ...SINGLE }],
      ['everything for all three', ['b3multi', 'b3', 'tracecontext'], makeOutbound(), { ...MULTI, ...SINGLE, ...W3C }],
      ['the same for all three in another order', ['tracecontext', 'b3', 'b3multi'], makeOutbound(), { ...MULTI, ...SINGLE, ...W3C }],
      ['an explicit not-sampled decision in every form', ['b3multi', 'b3', 'tracecontext'], makeOutbound({ sampling: 'not_sampled' }), {
        ...MULTI, 'x-b3-sampled': '0', b3: `${TRACE_ID_128}-${SPAN_ID}-0-${PARENT_ID}`, traceparent: `00-${TRACE_ID_128}-${SPAN_ID}-00`,
      }],
      ['debug in every form', ['b3multi', 'b3', 'tracecontext'], makeOutbound({ sampling: 'debug' }), {
        'x-b3-traceid': TRACE_ID_128, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-flags': '1',
        b3: `${TRACE_ID_128}-${SPAN_ID}-d-${PARENT_ID}`, traceparent: `00-${TRACE_ID_128}-${SPAN_ID}-01`,
      }],
      ['a 64-bit trace id: 16 hex on B3, padded on traceparent', ['b3multi', 'b3', 'tracecontext'], makeOutbound({ traceId: TRACE_ID_64 }), {
        ...MULTI, 'x-b3-traceid': TRACE_ID_64, b3: `${TRACE_ID_64}-${SPAN_ID}-1-${PARENT_ID}`,
        traceparent: `00-0000000000000000${TRACE_ID_64}-${SPAN_ID}-01`,
      }],
      ['a random trace id: flag 02 on traceparent only, B3 unchanged', ['b3multi', 'b3', 'tracecontext'], makeOutbound({ random: true }), {
        ...MULTI, ...SINGLE, traceparent: `00-${TRACE_ID_128}-${SPAN_ID}-03`,
      }],
      ['a random, unsampled trace id', ['b3', 'tracecontext'], makeOutbound({ sampling: 'not_sampled', random: true }), {
        b3: `${TRACE_ID_128}-${SPAN_ID}-0-${PARENT_ID}`, traceparent: `00-${TRACE_ID_128}-${SPAN_ID}-02`,
      }],
    ])('should write %s', (_case, propagators, trace, expected) => {
      expect(formatTraceHeaders(trace, propagators)).toEqual(expected);
    });

    it('should only write headers listed in TRACE_HEADERS (so the inbound copies are stripped)', () => {
      const written = Object.keys(formatTraceHeaders(makeOutbound({ sampling: 'debug' }), ['b3multi', 'b3', 'tracecontext']));
      const notListed = [...written, ...Object.keys(formatTraceHeaders(makeOutbound(), ['b3multi']))].filter((name) => !TRACE_HEADERS.includes(name));
      expect(notListed).toEqual([]);
    });
  });
});
