import { ROOT_CONTEXT, TraceFlags, trace, type TextMapGetter } from '@opentelemetry/api';
import { B3Propagator } from '@opentelemetry/propagator-b3';
import { B3_MULTI_HEADERS, formatB3Multi, formatB3Single, parseB3Multi, parseB3Single } from './b3';
import type { InboundTrace, OutboundTrace, SamplingDecision } from './trace-ids';

/** Ids from the openzipkin/b3-propagation README, so each row can be checked against the spec by eye. */
const TRACE_ID_128 = '80f198ee56343ba864fe8b2a57d3eff7';
const TRACE_ID_64 = '64fe8b2a57d3eff7';
const SPAN_ID = 'e457b5a2e4d86bd1';
const PARENT_ID = '05e3ac9a4f6e3b90';
const ZERO_16 = '0000000000000000';
const ZERO_32 = `${ZERO_16}${ZERO_16}`;

const withIds = (sampling: InboundTrace['sampling'], traceId = TRACE_ID_128): InboundTrace => ({ ids: { traceId, spanId: SPAN_ID }, sampling });

function makeOutbound(overrides: Partial<OutboundTrace> = {}): OutboundTrace {
  return { traceId: TRACE_ID_128, spanId: SPAN_ID, parentSpanId: PARENT_ID, sampling: 'sampled', random: false, ...overrides };
}

/** A header getter over a plain map, the shape parseB3Multi reads through. */
const headersOf = (headers: Record<string, string>) => (name: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(headers, name) ? headers[name] : undefined;

describe('b3', () => {
  describe(parseB3Single.name, () => {
    it.each<[string, string | undefined, InboundTrace | undefined]>([
      ['absent', undefined, undefined],
      ['ids only (no decision = deferred)', `${TRACE_ID_128}-${SPAN_ID}`, withIds('deferred')],
      ['ids only with a 64-bit trace id, kept at 16 hex', `${TRACE_ID_64}-${SPAN_ID}`, withIds('deferred', TRACE_ID_64)],
      ['ids and -1 (sampled)', `${TRACE_ID_128}-${SPAN_ID}-1`, withIds('sampled')],
      ['ids and -0 (not sampled)', `${TRACE_ID_128}-${SPAN_ID}-0`, withIds('not_sampled')],
      ['ids and -d (debug)', `${TRACE_ID_128}-${SPAN_ID}-d`, withIds('debug')],
      ['ids, -1 and a parent', `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID}`, withIds('sampled')],
      ['ids, -0 and a parent', `${TRACE_ID_128}-${SPAN_ID}-0-${PARENT_ID}`, withIds('not_sampled')],
      ['ids, -d and a parent', `${TRACE_ID_128}-${SPAN_ID}-d-${PARENT_ID}`, withIds('debug')],
      ['a 64-bit trace id with a parent', `${TRACE_ID_64}-${SPAN_ID}-1-${PARENT_ID}`, withIds('sampled', TRACE_ID_64)],
      ['`0` alone', '0', { sampling: 'not_sampled' }],
      ['`1` alone', '1', { sampling: 'sampled' }],
      ['`d` alone', 'd', { sampling: 'debug' }],
      ['upper-case hex, lowered', `${TRACE_ID_128.toUpperCase()}-${SPAN_ID.toUpperCase()}-1-${PARENT_ID.toUpperCase()}`, withIds('sampled')],
      ['surrounding whitespace', `  ${TRACE_ID_128}-${SPAN_ID}-1 `, withIds('sampled')],
    ])('should read %s', (_case, header, expected) => {
      expect(parseB3Single(header)).toEqual(expected);
    });

    it.each<[string, string]>([
      ['an empty value', ''],
      ['only whitespace', '   '],
      ['a trace id of 15 hex', `${TRACE_ID_64.slice(1)}-${SPAN_ID}-1`],
      ['a trace id of 17 hex', `a${TRACE_ID_64}-${SPAN_ID}-1`],
      ['a trace id of 31 hex', `${TRACE_ID_128.slice(1)}-${SPAN_ID}-1`],
      ['a trace id of 33 hex', `a${TRACE_ID_128}-${SPAN_ID}-1`],
      ['a trace id of 24 hex', `${TRACE_ID_128.slice(8)}-${SPAN_ID}-1`],
      ['a span id of 15 hex', `${TRACE_ID_128}-${SPAN_ID.slice(1)}-1`],
      ['a span id of 17 hex', `${TRACE_ID_128}-a${SPAN_ID}-1`],
      ['a span id of 32 hex', `${TRACE_ID_128}-${TRACE_ID_128}-1`],
      ['a non-hex trace id', `${TRACE_ID_128.slice(1)}g-${SPAN_ID}-1`],
      ['a non-hex span id', `${TRACE_ID_128}-${SPAN_ID.slice(1)}z-1`],
      ['an all-zero 128-bit trace id', `${ZERO_32}-${SPAN_ID}-1`],
      ['an all-zero 64-bit trace id', `${ZERO_16}-${SPAN_ID}-1`],
      ['an all-zero span id', `${TRACE_ID_128}-${ZERO_16}-1`],
      ['a missing trace id', `-${SPAN_ID}-1`],
      ['a missing span id', `${TRACE_ID_128}--1`],
      ['a trace id alone', TRACE_ID_128],
      ['too many parts', `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID}-extra`],
      ['an empty decision', `${TRACE_ID_128}-${SPAN_ID}-`],
      ['an unknown decision', `${TRACE_ID_128}-${SPAN_ID}-x`],
      ['`true` as decision (multi only)', `${TRACE_ID_128}-${SPAN_ID}-true`],
      ['an empty parent', `${TRACE_ID_128}-${SPAN_ID}-1-`],
      ['a non-hex parent', `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID.slice(1)}x`],
      ['a parent of 15 hex', `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID.slice(1)}`],
      ['a parent of 32 hex', `${TRACE_ID_128}-${SPAN_ID}-1-${TRACE_ID_128}`],
      ['an all-zero parent', `${TRACE_ID_128}-${SPAN_ID}-1-${ZERO_16}`],
      ['an unknown state alone', '2'],
      ['`true` alone', 'true'],
      ['a multi-header value joined by Node from two b3 headers', `${TRACE_ID_128}-${SPAN_ID}-1, ${TRACE_ID_128}-${SPAN_ID}-0`],
    ])('should treat %s as absent', (_case, header) => {
      expect(parseB3Single(header)).toBeUndefined();
    });

    // The decision tables are plain objects: an inherited property name must not read as a decision.
    it.each([
      ['constructor'],
      ['toString'],
      ['__proto__'],
      ['hasOwnProperty'],
      [`${TRACE_ID_128}-${SPAN_ID}-constructor`],
      [`${TRACE_ID_128}-${SPAN_ID}-valueOf-${PARENT_ID}`],
    ])('should treat the Object.prototype name in %j as absent', (header) => {
      expect(parseB3Single(header)).toBeUndefined();
    });
  });

  describe(parseB3Multi.name, () => {
    const { traceId: T, spanId: S, parentSpanId: P, sampled: SAMPLED, flags: FLAGS } = B3_MULTI_HEADERS;

    it.each<[string, Record<string, string>, InboundTrace | undefined]>([
      ['nothing', {}, undefined],
      ['unrelated headers only', { 'x-request-id': 'abc', b3: '1' }, undefined],
      ['ids without a decision (deferred)', { [T]: TRACE_ID_128, [S]: SPAN_ID }, withIds('deferred')],
      ['ids with a parent', { [T]: TRACE_ID_128, [S]: SPAN_ID, [P]: PARENT_ID }, withIds('deferred')],
      ['a 64-bit trace id, kept at 16 hex', { [T]: TRACE_ID_64, [S]: SPAN_ID, [SAMPLED]: '1' }, withIds('sampled', TRACE_ID_64)],
      ['Sampled: 1', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: '1' }, withIds('sampled')],
      ['Sampled: 0', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: '0' }, withIds('not_sampled')],
      ['Sampled: true', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: 'true' }, withIds('sampled')],
      ['Sampled: false', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: 'false' }, withIds('not_sampled')],
      ['Sampled: TRUE (case-insensitive)', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: 'TRUE' }, withIds('sampled')],
      ['Sampled with whitespace', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: ' 1 ' }, withIds('sampled')],
      ['Flags: 1 (debug)', { [T]: TRACE_ID_128, [S]: SPAN_ID, [FLAGS]: '1' }, withIds('debug')],
      ['Flags: 1 with Sampled: 0 (debug implies sampled)', { [T]: TRACE_ID_128, [S]: SPAN_ID, [FLAGS]: '1', [SAMPLED]: '0' }, withIds('debug')],
      ['Flags: 1 alone', { [FLAGS]: '1' }, { sampling: 'debug' }],
      ['Flags: 0 alone', { [FLAGS]: '0' }, undefined],
      ['Flags: 0 with ids', { [T]: TRACE_ID_128, [S]: SPAN_ID, [FLAGS]: '0' }, withIds('deferred')],
      ['Sampled: 1 alone', { [SAMPLED]: '1' }, { sampling: 'sampled' }],
      ['Sampled: 0 alone', { [SAMPLED]: '0' }, { sampling: 'not_sampled' }],
      ['upper-case hex, lowered', { [T]: TRACE_ID_128.toUpperCase(), [S]: SPAN_ID.toUpperCase(), [SAMPLED]: '1' }, withIds('sampled')],
      ['a malformed decision (treated as deferred)', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: 'yes' }, withIds('deferred')],
      ['a malformed decision alone', { [SAMPLED]: 'yes' }, { sampling: 'deferred' }],
      ['a malformed trace id: ids dropped, decision kept', { [T]: `${TRACE_ID_128.slice(1)}x`, [S]: SPAN_ID, [SAMPLED]: '1' }, { sampling: 'sampled' }],
      ['a 20-hex trace id: ids dropped', { [T]: TRACE_ID_128.slice(12), [S]: SPAN_ID, [SAMPLED]: '0' }, { sampling: 'not_sampled' }],
      ['a malformed span id: ids dropped', { [T]: TRACE_ID_128, [S]: SPAN_ID.slice(2), [SAMPLED]: '0' }, { sampling: 'not_sampled' }],
      ['an all-zero trace id: ids dropped', { [T]: ZERO_32, [S]: SPAN_ID, [SAMPLED]: '1' }, { sampling: 'sampled' }],
      ['an all-zero span id: ids dropped', { [T]: TRACE_ID_128, [S]: ZERO_16, [FLAGS]: '1' }, { sampling: 'debug' }],
      ['a trace id without a span id', { [T]: TRACE_ID_128, [SAMPLED]: '1' }, { sampling: 'sampled' }],
      ['a span id without a trace id', { [S]: SPAN_ID }, { sampling: 'deferred' }],
      ['empty ids', { [T]: '', [S]: '' }, { sampling: 'deferred' }],
      ['a value joined by Node from two Sampled headers', { [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: '1, 0' }, withIds('deferred')],
    ])('should read %s', (_case, headers, expected) => {
      expect(parseB3Multi(headersOf(headers))).toEqual(expected);
    });

    // The decision table is a plain object: an inherited property name must not read as a decision.
    it.each([['constructor'], ['__proto__']])('should treat Sampled: %s as no decision (deferred)', (sampled) => {
      expect(parseB3Multi(headersOf({ [T]: TRACE_ID_128, [S]: SPAN_ID, [SAMPLED]: sampled }))).toEqual(withIds('deferred'));
    });
  });

  describe(formatB3Multi.name, () => {
    it.each<[string, OutboundTrace, Record<string, string>]>([
      ['sampled', makeOutbound(), {
        'x-b3-traceid': TRACE_ID_128, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-sampled': '1',
      }],
      ['not sampled: ids are still sent, with an explicit 0', makeOutbound({ sampling: 'not_sampled' }), {
        'x-b3-traceid': TRACE_ID_128, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-sampled': '0',
      }],
      ['debug: Flags 1 instead of Sampled', makeOutbound({ sampling: 'debug' }), {
        'x-b3-traceid': TRACE_ID_128, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-flags': '1',
      }],
      ['a 64-bit trace id at its length', makeOutbound({ traceId: TRACE_ID_64 }), {
        'x-b3-traceid': TRACE_ID_64, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-sampled': '1',
      }],
      ['a random trace id as any other (B3 has no random flag)', makeOutbound({ random: true }), {
        'x-b3-traceid': TRACE_ID_128, 'x-b3-spanid': SPAN_ID, 'x-b3-parentspanid': PARENT_ID, 'x-b3-sampled': '1',
      }],
    ])('should write %s', (_case, trace, expected) => {
      expect(formatB3Multi(trace)).toEqual(expected);
    });

    it.each<[SamplingDecision]>([['sampled'], ['not_sampled'], ['debug']])(
      'should never write an empty header and write exactly one of Sampled / Flags when %s',
      (sampling) => {
        const headers = formatB3Multi(makeOutbound({ sampling }));
        expect(Object.values(headers).filter((value) => value.trim() === '')).toEqual([]);
        expect([B3_MULTI_HEADERS.sampled, B3_MULTI_HEADERS.flags].filter((name) => name in headers)).toHaveLength(1);
      },
    );

    it.each<[SamplingDecision, InboundTrace['sampling']]>([['sampled', 'sampled'], ['not_sampled', 'not_sampled'], ['debug', 'debug']])(
      'should be read back by parseB3Multi as %s',
      (sampling, expected) => {
        const headers = formatB3Multi(makeOutbound({ sampling }));
        expect(parseB3Multi(headersOf(headers))).toEqual(withIds(expected));
      },
    );
  });

  describe(formatB3Single.name, () => {
    it.each<[string, OutboundTrace, string]>([
      ['sampled', makeOutbound(), `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID}`],
      ['not sampled', makeOutbound({ sampling: 'not_sampled' }), `${TRACE_ID_128}-${SPAN_ID}-0-${PARENT_ID}`],
      ['debug', makeOutbound({ sampling: 'debug' }), `${TRACE_ID_128}-${SPAN_ID}-d-${PARENT_ID}`],
      ['a 64-bit trace id at its length', makeOutbound({ traceId: TRACE_ID_64 }), `${TRACE_ID_64}-${SPAN_ID}-1-${PARENT_ID}`],
      ['a random trace id as any other (B3 has no random flag)', makeOutbound({ random: true }), `${TRACE_ID_128}-${SPAN_ID}-1-${PARENT_ID}`],
    ])('should write %s', (_case, trace, expected) => {
      expect(formatB3Single(trace)).toBe(expected);
    });

    it.each<[SamplingDecision]>([['sampled'], ['not_sampled'], ['debug']])('should be read back by parseB3Single when %s', (sampling) => {
      expect(parseB3Single(formatB3Single(makeOutbound({ sampling })))).toEqual(withIds(sampling));
    });
  });
});

describe('B3 against @opentelemetry/propagator-b3 (an implementation nobody here wrote)', () => {
  const getter: TextMapGetter<Record<string, string>> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };
  /** What the OpenTelemetry propagator reads from the headers: ids and the sampled bit, or nothing. */
  const otelReads = (headers: Record<string, string>): { traceId: string; spanId: string; sampled: boolean } | undefined => {
    const span = trace.getSpanContext(new B3Propagator().extract(ROOT_CONTEXT, headers, getter));
    return span === undefined ? undefined : { traceId: span.traceId, spanId: span.spanId, sampled: (span.traceFlags & TraceFlags.SAMPLED) !== 0 };
  };
  /** The same, from our parsers (our 64-bit ids padded as OpenTelemetry pads them). */
  const weRead = (headers: Record<string, string>): { traceId: string; spanId: string; sampled: boolean } | undefined => {
    const inbound = parseB3Single(headers.b3) ?? parseB3Multi((name) => headers[name]);
    if (inbound?.ids === undefined) return undefined;
    return { traceId: inbound.ids.traceId.padStart(32, '0'), spanId: inbound.ids.spanId, sampled: inbound.sampling === 'sampled' || inbound.sampling === 'debug' };
  };

  const T128 = '80f198ee56343ba864fe8b2a57d3eff7';
  const T64 = '64fe8b2a57d3eff7';
  const S = 'e457b5a2e4d86bd1';
  // Only where both read a context: we keep a context without a decision (deferred), which OpenTelemetry drops.
  it.each<[string, Record<string, string>]>([
    ['single, sampled', { b3: `${T128}-${S}-1` }],
    ['single, not sampled', { b3: `${T128}-${S}-0` }],
    ['single, debug', { b3: `${T128}-${S}-d` }],
    ['single, 64-bit, with a parent', { b3: `${T64}-${S}-1-05e3ac9a4f6e3b90` }],
    ['multi, sampled', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
    ['multi, not sampled', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-sampled': '0' }],
    ['multi, debug', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-flags': '1' }],
    ['multi, 64-bit', { 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
    ['a bad trace id', { b3: `xyz-${S}-1` }],
    ['an all-zero span id', { 'x-b3-traceid': T128, 'x-b3-spanid': '0000000000000000', 'x-b3-sampled': '1' }],
  ])('should read %s as OpenTelemetry does', (_case, headers) => {
    expect(weRead(headers)).toEqual(otelReads(headers));
  });
});
