import type { IncomingHttpHeaders } from 'node:http';
import { extractInboundTrace } from './inbound-trace';
import type { InboundTrace } from './trace-ids';

const SINGLE_TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7';
const SINGLE_SPAN_ID = 'e457b5a2e4d86bd1';
const MULTI_TRACE_ID = '463ac35c9f6413ad48485a3953bb6124';
const MULTI_SPAN_ID = 'a2fb4a1d1a96d312';
const W3C_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const W3C_SPAN_ID = '00f067aa0ba902b7';

const SINGLE = { b3: `${SINGLE_TRACE_ID}-${SINGLE_SPAN_ID}-1` };
const MULTI = { 'x-b3-traceid': MULTI_TRACE_ID, 'x-b3-spanid': MULTI_SPAN_ID, 'x-b3-sampled': '0' };
const W3C = { traceparent: `00-${W3C_TRACE_ID}-${W3C_SPAN_ID}-01` };

const FROM_SINGLE: InboundTrace = { ids: { traceId: SINGLE_TRACE_ID, spanId: SINGLE_SPAN_ID }, sampling: 'sampled' };
const FROM_MULTI: InboundTrace = { ids: { traceId: MULTI_TRACE_ID, spanId: MULTI_SPAN_ID }, sampling: 'not_sampled' };
const W3C_RANDOM = { traceparent: `00-${W3C_TRACE_ID}-${W3C_SPAN_ID}-03` };

const FROM_W3C: InboundTrace = { ids: { traceId: W3C_TRACE_ID, spanId: W3C_SPAN_ID }, sampling: 'sampled', random: false };
const FROM_W3C_RANDOM: InboundTrace = { ...FROM_W3C, random: true };
const DEFERRED: InboundTrace = { sampling: 'deferred' };

describe(extractInboundTrace.name, () => {
  it.each<[string, IncomingHttpHeaders, InboundTrace]>([
    ['no headers: a deferred root', {}, DEFERRED],
    ['unrelated headers only: a deferred root', { host: 'gw', 'x-request-id': 'r1' }, DEFERRED],
    ['b3 single alone', SINGLE, FROM_SINGLE],
    ['b3 multi alone', MULTI, FROM_MULTI],
    ['traceparent alone', W3C, FROM_W3C],
    ['a traceparent with the random flag', W3C_RANDOM, FROM_W3C_RANDOM],
    ['b3 single over a random traceparent: no random flag (B3 has none)', { ...W3C_RANDOM, ...SINGLE }, FROM_SINGLE],
    ['b3 single over b3 multi', { ...MULTI, ...SINGLE }, FROM_SINGLE],
    ['b3 single over traceparent', { ...W3C, ...SINGLE }, FROM_SINGLE],
    ['b3 multi over traceparent', { ...W3C, ...MULTI }, FROM_MULTI],
    ['b3 single over both others', { ...W3C, ...MULTI, ...SINGLE }, FROM_SINGLE],
    ['a malformed b3 single falling through to multi', { ...MULTI, b3: `${SINGLE_TRACE_ID}-xyz-1` }, FROM_MULTI],
    ['a malformed b3 single falling through to traceparent', { ...W3C, b3: `${SINGLE_TRACE_ID}-${SINGLE_SPAN_ID}-9` }, FROM_W3C],
    ['a malformed b3 single alone: a deferred root', { b3: 'garbage' }, DEFERRED],
    ['an empty b3 single falling through to multi', { ...MULTI, b3: '' }, FROM_MULTI],
    ['malformed multi ids falling through to traceparent', { ...W3C, 'x-b3-traceid': 'nothex', 'x-b3-spanid': MULTI_SPAN_ID }, FROM_W3C],
    ['a decision-only b3 alone', { b3: '0' }, { sampling: 'not_sampled' }],
    ['a debug-only b3 alone', { b3: 'd' }, { sampling: 'debug' }],
    ['a decision-only multi alone', { 'x-b3-sampled': '1' }, { sampling: 'sampled' }],
    ['Flags: 1 alone', { 'x-b3-flags': '1' }, { sampling: 'debug' }],
    ['multi ids with dropped ids keeping the decision', { 'x-b3-traceid': 'short', 'x-b3-spanid': MULTI_SPAN_ID, 'x-b3-sampled': '0' }, { sampling: 'not_sampled' }],
    ['a malformed traceparent alone: a deferred root', { traceparent: `ff-${W3C_TRACE_ID}-${W3C_SPAN_ID}-01` }, DEFERRED],
    ['a repeated b3 (array value) as absent', { ...MULTI, b3: [SINGLE.b3, SINGLE.b3] }, FROM_MULTI],
    ['a repeated x-b3-traceid (array value) as absent', { ...MULTI, 'x-b3-traceid': [MULTI_TRACE_ID, MULTI_TRACE_ID] }, { sampling: 'not_sampled' }],
    ['a repeated traceparent (array value) as absent', { traceparent: [W3C.traceparent, W3C.traceparent] }, DEFERRED],
    ['a repeated b3 joined by Node into one value as malformed', { ...W3C, b3: `${SINGLE.b3}, ${SINGLE.b3}` }, FROM_W3C],
    ['a repeated traceparent joined by Node into one value as malformed', { traceparent: `${W3C.traceparent}, ${W3C.traceparent}` }, DEFERRED],
  ])('should read %s', (_case, headers, expected) => {
    expect(extractInboundTrace(headers)).toEqual(expected);
  });
});

describe(`${extractInboundTrace.name} with honorDebug`, () => {
  const MULTI_DEBUG = { 'x-b3-traceid': MULTI_TRACE_ID, 'x-b3-spanid': MULTI_SPAN_ID, 'x-b3-flags': '1' };
  const SINGLE_DEBUG = { b3: `${SINGLE_TRACE_ID}-${SINGLE_SPAN_ID}-d` };
  const W3C_WITH_STATE = { traceparent: `00-${W3C_TRACE_ID}-${W3C_SPAN_ID}-03`, tracestate: 'congo=t61rcWkgMzE' };
  const multi = (sampling: InboundTrace['sampling']): InboundTrace => ({ ids: { traceId: MULTI_TRACE_ID, spanId: MULTI_SPAN_ID }, sampling });
  const single = (sampling: InboundTrace['sampling']): InboundTrace => ({ ids: { traceId: SINGLE_TRACE_ID, spanId: SINGLE_SPAN_ID }, sampling });

  it.each<[string, IncomingHttpHeaders, InboundTrace, InboundTrace]>([
    ['X-B3-Flags: 1 with ids', MULTI_DEBUG, multi('debug'), multi('sampled')],
    ['X-B3-Flags: 1 over X-B3-Sampled: 0 (debug implies sampled)', { ...MULTI_DEBUG, 'x-b3-sampled': '0' }, multi('debug'), multi('sampled')],
    ['X-B3-Flags: 1 alone', { 'x-b3-flags': '1' }, { sampling: 'debug' }, { sampling: 'sampled' }],
    ['b3 with d', SINGLE_DEBUG, single('debug'), single('sampled')],
    ['b3 with d and a parent id', { b3: `${SINGLE_DEBUG.b3}-${MULTI_SPAN_ID}` }, single('debug'), single('sampled')],
    ['b3: d alone', { b3: 'd' }, { sampling: 'debug' }, { sampling: 'sampled' }],
    ['b3 with d over a traceparent', { ...W3C_WITH_STATE, ...SINGLE_DEBUG }, single('debug'), single('sampled')],
    // No debug flag: the option changes nothing.
    ['X-B3-Sampled: 0', MULTI, FROM_MULTI, FROM_MULTI],
    ['b3 with 1', SINGLE, FROM_SINGLE, FROM_SINGLE],
    ['X-B3-Flags: 0', { ...MULTI, 'x-b3-flags': '0' }, FROM_MULTI, FROM_MULTI],
    ['a random traceparent with its tracestate', W3C_WITH_STATE, { ...FROM_W3C_RANDOM, tracestate: 'congo=t61rcWkgMzE' }, { ...FROM_W3C_RANDOM, tracestate: 'congo=t61rcWkgMzE' }],
    ['no headers', {}, DEFERRED, DEFERRED],
  ])('should read %s as honored (true) or as an ordinary decision (false)', (_case, headers, honored, notHonored) => {
    expect([true, false].map((honorDebug) => extractInboundTrace(headers, { honorDebug }))).toEqual([honored, notHonored]);
  });

  it('should honour debug when no options are given (the behaviour before the option)', () => {
    expect(extractInboundTrace(MULTI_DEBUG)).toEqual(multi('debug'));
  });
});
