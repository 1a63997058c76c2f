import { formatTraceparent, parseTraceparent } from './traceparent';
import type { InboundTrace, OutboundTrace, SamplingDecision } from './trace-ids';

/** Ids from the W3C Trace Context examples. */
const TRACE_ID_128 = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_ID_64 = 'a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const PARENT_ID = 'b7ad6b7169203331';
const ZERO_16 = '0000000000000000';

/** What parseTraceparent reads from a traceparent: ids, the sampled bit, the random-trace-id bit. */
const withIds = (sampling: InboundTrace['sampling'], random = false, traceId = TRACE_ID_128): InboundTrace => ({ ids: { traceId, spanId: SPAN_ID }, sampling, random });

function makeOutbound(overrides: Partial<OutboundTrace> = {}): OutboundTrace {
  return { traceId: TRACE_ID_128, spanId: SPAN_ID, parentSpanId: PARENT_ID, sampling: 'sampled', random: false, ...overrides };
}

describe('traceparent', () => {
  describe(parseTraceparent.name, () => {
    it.each<[string, string, InboundTrace]>([
      ['version 00, sampled', `00-${TRACE_ID_128}-${SPAN_ID}-01`, withIds('sampled')],
      ['version 00, not sampled', `00-${TRACE_ID_128}-${SPAN_ID}-00`, withIds('not_sampled')],
      ['flags 03: sampled, random trace id', `00-${TRACE_ID_128}-${SPAN_ID}-03`, withIds('sampled', true)],
      ['flags 02: not sampled, random trace id', `00-${TRACE_ID_128}-${SPAN_ID}-02`, withIds('not_sampled', true)],
      ['flags 04: a reserved bit alone', `00-${TRACE_ID_128}-${SPAN_ID}-04`, withIds('not_sampled')],
      ['flags 05: sampled with a reserved bit, not random', `00-${TRACE_ID_128}-${SPAN_ID}-05`, withIds('sampled')],
      ['flags 06: random with a reserved bit', `00-${TRACE_ID_128}-${SPAN_ID}-06`, withIds('not_sampled', true)],
      ['flags ff: every bit', `00-${TRACE_ID_128}-${SPAN_ID}-ff`, withIds('sampled', true)],
      ['flags fe: every bit but sampled', `00-${TRACE_ID_128}-${SPAN_ID}-fe`, withIds('not_sampled', true)],
      ['flags fd: every bit but random', `00-${TRACE_ID_128}-${SPAN_ID}-fd`, withIds('sampled')],
      ['a zero high half: a 64-bit id kept at 16 hex', `00-${ZERO_16}${TRACE_ID_64}-${SPAN_ID}-01`, withIds('sampled', false, TRACE_ID_64)],
      ['a random 64-bit id', `00-${ZERO_16}${TRACE_ID_64}-${SPAN_ID}-03`, withIds('sampled', true, TRACE_ID_64)],
      ['a future version at the version 00 length', `01-${TRACE_ID_128}-${SPAN_ID}-01`, withIds('sampled')],
      ['a future version with extra fields', `cc-${TRACE_ID_128}-${SPAN_ID}-01-what-the-future-will-be`, withIds('sampled')],
      ['the random flag of a future version', `cc-${TRACE_ID_128}-${SPAN_ID}-02-what-the-future-will-be`, withIds('not_sampled', true)],
      ['surrounding whitespace (optional whitespace around a header value)', ` 00-${TRACE_ID_128}-${SPAN_ID}-01  `, withIds('sampled')],
    ])('should read %s', (_case, header, expected) => {
      expect(parseTraceparent(header)).toEqual(expected);
    });

    it.each<[string, string | undefined]>([
      ['absent', undefined],
      ['empty', ''],
      ['version ff', `ff-${TRACE_ID_128}-${SPAN_ID}-01`],
      ['version 00 followed by another field', `00-${TRACE_ID_128}-${SPAN_ID}-01-extra`],
      ['version 00 followed by a bare dash', `00-${TRACE_ID_128}-${SPAN_ID}-01-`],
      ['version 00 followed by characters without a dash', `00-${TRACE_ID_128}-${SPAN_ID}-01x`],
      ['a future version followed by characters without a dash', `cc-${TRACE_ID_128}-${SPAN_ID}-01x`],
      ['an all-zero trace id', `00-${ZERO_16}${ZERO_16}-${SPAN_ID}-01`],
      ['an all-zero parent id', `00-${TRACE_ID_128}-${ZERO_16}-01`],
      ['a 64-bit trace id (W3C needs 32 hex)', `00-${TRACE_ID_64}-${SPAN_ID}-01`],
      ['a trace id of 31 hex', `00-${TRACE_ID_128.slice(1)}-${SPAN_ID}-01`],
      ['a trace id of 33 hex', `00-a${TRACE_ID_128}-${SPAN_ID}-01`],
      ['a parent id of 15 hex', `00-${TRACE_ID_128}-${SPAN_ID.slice(1)}-01`],
      ['a parent id of 17 hex', `00-${TRACE_ID_128}-a${SPAN_ID}-01`],
      ['upper-case hex in the trace id', `00-${TRACE_ID_128.toUpperCase()}-${SPAN_ID}-01`],
      ['upper-case hex in the parent id', `00-${TRACE_ID_128}-${PARENT_ID.toUpperCase()}-01`],
      ['upper-case hex in the version', `0A-${TRACE_ID_128}-${SPAN_ID}-01`],
      ['a non-hex trace id', `00-${TRACE_ID_128.slice(1)}g-${SPAN_ID}-01`],
      ['a non-hex version', `0x-${TRACE_ID_128}-${SPAN_ID}-01`],
      ['a one-character version', `0-${TRACE_ID_128}-${SPAN_ID}-01`],
      ['a one-character flags field', `00-${TRACE_ID_128}-${SPAN_ID}-1`],
      ['non-hex flags', `00-${TRACE_ID_128}-${SPAN_ID}-0z`],
      ['missing flags', `00-${TRACE_ID_128}-${SPAN_ID}`],
      ['a value joined by Node from two traceparent headers', `00-${TRACE_ID_128}-${SPAN_ID}-01, 00-${TRACE_ID_128}-${PARENT_ID}-01`],
    ])('should treat %s as absent', (_case, header) => {
      expect(parseTraceparent(header)).toBeUndefined();
    });
  });

  describe(formatTraceparent.name, () => {
    it.each<[string, OutboundTrace, string]>([
      ['sampled', makeOutbound(), `00-${TRACE_ID_128}-${SPAN_ID}-01`],
      ['not sampled', makeOutbound({ sampling: 'not_sampled' }), `00-${TRACE_ID_128}-${SPAN_ID}-00`],
      ['debug as sampled (W3C has no debug flag)', makeOutbound({ sampling: 'debug' }), `00-${TRACE_ID_128}-${SPAN_ID}-01`],
      ['sampled with a random trace id as 03', makeOutbound({ random: true }), `00-${TRACE_ID_128}-${SPAN_ID}-03`],
      ['not sampled with a random trace id as 02', makeOutbound({ sampling: 'not_sampled', random: true }), `00-${TRACE_ID_128}-${SPAN_ID}-02`],
      ['debug with a random trace id as 03', makeOutbound({ sampling: 'debug', random: true }), `00-${TRACE_ID_128}-${SPAN_ID}-03`],
      ['a 64-bit trace id left-padded to 32 hex', makeOutbound({ traceId: TRACE_ID_64 }), `00-${ZERO_16}${TRACE_ID_64}-${SPAN_ID}-01`],
      ['a random 64-bit trace id', makeOutbound({ traceId: TRACE_ID_64, random: true }), `00-${ZERO_16}${TRACE_ID_64}-${SPAN_ID}-03`],
    ])('should write %s', (_case, trace, expected) => {
      expect(formatTraceparent(trace)).toBe(expected);
    });

    it.each<[string, OutboundTrace, InboundTrace]>([
      ['sampled', makeOutbound(), withIds('sampled')],
      ['not sampled', makeOutbound({ sampling: 'not_sampled' }), withIds('not_sampled')],
      ['debug (read back as sampled)', makeOutbound({ sampling: 'debug' as SamplingDecision }), withIds('sampled')],
      ['random, sampled', makeOutbound({ random: true }), withIds('sampled', true)],
      ['random, not sampled', makeOutbound({ sampling: 'not_sampled', random: true }), withIds('not_sampled', true)],
      ['a 64-bit trace id (back to 16 hex)', makeOutbound({ traceId: TRACE_ID_64 }), withIds('sampled', false, TRACE_ID_64)],
    ])('should be read back by parseTraceparent when %s', (_case, trace, expected) => {
      expect(parseTraceparent(formatTraceparent(trace))).toEqual(expected);
    });
  });
});
