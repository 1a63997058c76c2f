import type { IncomingHttpHeaders } from 'node:http';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { PROPAGATORS, SAMPLERS, TRACE_ID_BITS, type PropagatorName } from '@app/config';
import { GatewaySampler } from '../sdk/gateway-sampler';
import { startProxySpans } from '../sdk/gateway-spans';
import { GatewayIdGenerator } from '../sdk/trace-id-generator';
import { extractInboundTrace } from './inbound-trace';
import { formatTraceHeaders } from './outbound-trace-headers';
import type { InboundTrace } from './trace-ids';

/** Runs per property: enough to hit every branch of the parsers many times over, still well under a second each. */
const RUNS = 2000;
/** Fixed, so a failure reproduces; fast-check prints the counterexample and its path. */
const SEED = 0x5eed;

const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;
const SAMPLING_STATES = ['sampled', 'not_sampled', 'debug', 'deferred'];

/** Every outbound header, strictly: what Envoy and Zipkin parse, nothing else. */
const OUTBOUND_VALUE: Readonly<Record<string, RegExp>> = {
  'x-b3-traceid': TRACE_ID,
  'x-b3-spanid': SPAN_ID,
  'x-b3-parentspanid': SPAN_ID,
  'x-b3-sampled': /^[01]$/,
  'x-b3-flags': /^1$/,
  b3: /^(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}-[01d]-[0-9a-f]{16}$/,
  // Version 00 flags: sampled (01) and random-trace-id (02); the reserved bits stay zero.
  traceparent: /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/,
};

// ---- arbitraries: the shapes callers (and attackers) send ----

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const hex = (minLength: number, maxLength = minLength): fc.Arbitrary<string> => fc.string({ unit: hexDigit, minLength, maxLength });
const printable = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Ids of every kind: valid 16/32 hex (either case), wrong length, all-zero, non-hex, padded, oversized. */
const anyId: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hex(16), weight: 8 },
  { arbitrary: hex(32), weight: 8 },
  hex(0, 40),
  fc.constantFrom('0'.repeat(16), '0'.repeat(32), '0'.repeat(24), `${'0'.repeat(16)}${'0'.repeat(15)}1`),
  hex(16).map((id) => `${id.slice(0, 15)}g`),
  hex(16).map((id) => ` ${id} `),
  hex(33, 400),
  printable(40),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const samplingToken = fc.constantFrom('1', '0', 'd', 'D', 'true', 'false', 'TRUE', '2', '', ' 1', '01', 'debug');

const b3Single: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(anyId, anyId, fc.option(samplingToken, { nil: undefined }), fc.option(anyId, { nil: undefined })).map(([t, s, d, p]) => [t, s, ...(d === undefined ? [] : [d]), ...(d === undefined || p === undefined ? [] : [p])].join('-')),
  samplingToken,
  fc.array(anyId, { maxLength: 6 }).map((parts) => parts.join('-')),
  printable(80),
);

const traceparent: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('00', '01', 'fe', 'ff', 'FF', '0g', '0', '000'), anyId, anyId, fc.oneof(hex(2), fc.constantFrom('', '1', '0g', '001')), fc.option(printable(12), { nil: undefined }))
    .map(([version, traceId, spanId, flags, rest]) => `${version}-${traceId}-${spanId}-${flags}${rest === undefined ? '' : `-${rest}`}`),
  printable(80),
);

/** A header value as Node presents it: a string, or an array for a repeated header. */
const presented = (value: fc.Arbitrary<string>): fc.Arbitrary<string | string[]> => fc.oneof({ arbitrary: value, weight: 5 }, fc.array(value, { minLength: 2, maxLength: 3 }));

/** Any casing of a header name (`X-B3-TraceId`, `B3`, `TRACEPARENT` …). */
const oddlyCased = (name: string): fc.Arbitrary<string> => fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

const TRACE_HEADER_VALUES: ReadonlyArray<readonly [string, fc.Arbitrary<string>]> = [
  ['b3', b3Single],
  ['x-b3-traceid', anyId],
  ['x-b3-spanid', anyId],
  ['x-b3-parentspanid', anyId],
  ['x-b3-sampled', samplingToken],
  ['x-b3-flags', fc.constantFrom('1', '0', '', 'true', ' 1', '11')],
  ['traceparent', traceparent],
  ['tracestate', fc.oneof(fc.constantFrom('congo=t61rcWkgMzE', 'a=1,b=2', 'rojo=00f067aa0ba902b7, congo=t61rcWkgMzE', 'x@y=z'), printable(60))],
];

/** A request's trace headers as sent on the wire: any subset, any casing, repeated or not. */
const wireHeaders: fc.Arbitrary<Array<readonly [string, string | string[]]>> = fc
  .tuple(...TRACE_HEADER_VALUES.map(([name, value]) => fc.option(fc.tuple(oddlyCased(name), presented(value)), { nil: undefined })))
  .map((entries) => entries.filter((entry): entry is [string, string | string[]] => entry !== undefined));

/** What Node's HTTP parser hands the gateway: header names lower-cased. */
const asNodePresents = (entries: ReadonlyArray<readonly [string, string | string[]]>): IncomingHttpHeaders =>
  Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), value]));

/** The ids inside an outbound header value, for the all-zero check. */
function idsIn(name: string, value: string): string[] {
  const parts = value.split('-');
  if (name === 'b3') return [parts[0], parts[1], parts[3]];
  if (name === 'traceparent') return [parts[1], parts[2]];
  return name.endsWith('id') ? [value] : [];
}

function expectWellFormed(inbound: InboundTrace): void {
  expect(SAMPLING_STATES).toContain(inbound.sampling);
  if (inbound.ids === undefined) return;
  expect(inbound.ids.traceId).toMatch(TRACE_ID);
  expect(inbound.ids.traceId).not.toMatch(ALL_ZERO);
  expect(inbound.ids.spanId).toMatch(SPAN_ID);
  expect(inbound.ids.spanId).not.toMatch(ALL_ZERO);
}

describe(extractInboundTrace.name, () => {
  it('should never throw and only return lower-hex, right-length, non-zero ids and one of the four sampling states', () => {
    fc.assert(
      fc.property(wireHeaders, (entries) => expectWellFormed(extractInboundTrace(asNodePresents(entries)))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('should not throw on header names Node never produces (mixed case keys) either', () => {
    fc.assert(
      fc.property(wireHeaders, (entries) => expectWellFormed(extractInboundTrace(Object.fromEntries(entries)))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('should keep a tracestate only with the valid traceparent it belongs to, and only when well-formed (W3C)', () => {
    const TRACEPARENT_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
    // Level 2 list-member: key = (lcalpha / DIGIT) 0*255 keychar (with `@` a keychar); value = 0*255 chr nblk-chr.
    const MEMBER = /^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
    const lowerHex = (length: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length }).filter((id) => !ALL_ZERO.test(id));
    const validTraceparent = fc.tuple(lowerHex(32), lowerHex(16), fc.constantFrom('00', '01')).map(([t, s, f]) => `00-${t}-${s}-${f}`);
    // Mostly valid traceparents (the case that may carry a tracestate), with B3 and malformed noise.
    const w3cHeaders = fc.record(
      {
        traceparent: fc.oneof({ arbitrary: validTraceparent, weight: 3 }, traceparent),
        tracestate: fc.oneof(
          fc.constantFrom('congo=t61rcWkgMzE', 'a=1,b=2', ' rojo=00f067aa0ba902b7 , ,congo=t61rcWkgMzE', 'x@y=z', 'foo@=1,1a@b@c=2', `${'z'.repeat(256)}=1`, 'a='.repeat(40)),
          printable(80),
        ),
        b3: b3Single,
      },
      { requiredKeys: ['traceparent', 'tracestate'] },
    );
    fc.assert(
      fc.property(w3cHeaders, (headers) => {
        const inbound = extractInboundTrace(headers);
        // Read by field name, so this holds (vacuously) for an InboundTrace without tracestate too.
        const tracestate = (inbound as { readonly tracestate?: unknown }).tracestate;
        if (tracestate === undefined) return;
        const parent = TRACEPARENT_00.exec(headers.traceparent.trim());
        expect(parent).not.toBeNull();
        expect(inbound.ids?.traceId.padStart(32, '0')).toBe(parent?.[1]);
        expect(inbound.ids?.spanId).toBe(parent?.[2]);
        expect(typeof tracestate).toBe('string');
        const members = (typeof tracestate === 'string' ? tracestate : '').split(',').map((m) => m.trim()).filter((m) => m !== '');
        expect(members.length).toBeLessThanOrEqual(32);
        expect(members.filter((m) => !MEMBER.test(m))).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('should claim a random trace id (either way) only for the ids of the traceparent it read, as its flags say', () => {
    const TRACEPARENT_IDS = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/;
    fc.assert(
      fc.property(wireHeaders, (entries) => {
        const headers = asNodePresents(entries);
        const inbound = extractInboundTrace(headers);
        if (inbound.random === undefined) return;
        const sent = headers.traceparent;
        const parent = typeof sent === 'string' ? TRACEPARENT_IDS.exec(sent.trim()) : null;
        expect(parent).not.toBeNull();
        expect(inbound.ids?.traceId.padStart(32, '0')).toBe(parent?.[1]);
        expect(inbound.ids?.spanId).toBe(parent?.[2]);
        expect(inbound.random).toBe((parseInt(parent?.[3] ?? '0', 16) & 0x02) === 0x02);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('should read a debug flag as sampled, and change nothing else, when debug is not honoured', () => {
    fc.assert(
      fc.property(wireHeaders, (entries) => {
        const headers = asNodePresents(entries);
        const honored = extractInboundTrace(headers);
        expect(extractInboundTrace(headers, { honorDebug: false })).toEqual(honored.sampling === 'debug' ? { ...honored, sampling: 'sampled' } : honored);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('should keep a well-formed B3 single context whatever the hex case, lowering the ids', () => {
    const valid = fc.tuple(hex(16).filter((id) => !ALL_ZERO.test(id)), hex(32).filter((id) => !ALL_ZERO.test(id)), fc.boolean(), hex(16).filter((id) => !ALL_ZERO.test(id)), fc.constantFrom('1', '0', 'd'));
    fc.assert(
      fc.property(valid, ([spanId, traceId128, short, parent, sampling]) => {
        const traceId = short ? traceId128.slice(16) : traceId128;
        fc.pre(!ALL_ZERO.test(traceId));
        const inbound = extractInboundTrace({ b3: `${traceId}-${spanId}-${sampling}-${parent}` });
        expect(inbound).toEqual({ ids: { traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase() }, sampling: { '1': 'sampled', '0': 'not_sampled', d: 'debug' }[sampling] });
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe(formatTraceHeaders.name, () => {
  const propagatorSets = fc.subarray<PropagatorName>([...PROPAGATORS], { minLength: 1 });
  const tracers = new Map(
    SAMPLERS.flatMap((sampler) =>
      TRACE_ID_BITS.map((bits) => [`${sampler}/${bits}`, new TracerProvider({ sampler: new GatewaySampler(sampler, 0.5), idGenerator: new GatewayIdGenerator(bits) }).getTracer('property')] as const),
    ),
  );
  const tracerKeys = fc.constantFrom(...tracers.keys());
  const OPTIONS = { name: 'get fuzz', serverAttributes: () => ({}), clientAttributes: () => ({}) };

  it('should emit only non-empty, well-formed headers for the outbound context derived from any inbound headers', () => {
    fc.assert(
      fc.property(wireHeaders, propagatorSets, tracerKeys, (entries, propagators, tracerKey) => {
        const inbound = extractInboundTrace(asNodePresents(entries));
        const tracer = tracers.get(tracerKey);
        if (tracer === undefined) throw new Error(`no tracer ${tracerKey}`);
        const spans = startProxySpans(tracer, inbound, OPTIONS);
        const headers = formatTraceHeaders(spans.outbound, propagators);
        spans.client.end();
        spans.server.end();
        const malformed = Object.entries(headers).filter(([name, value]) => !(OUTBOUND_VALUE[name]?.test(value) ?? false) || idsIn(name, value).some((id) => ALL_ZERO.test(id)));
        expect(malformed).toEqual([]);
        if (propagators.includes('b3multi')) expect(['x-b3-sampled' in headers, 'x-b3-flags' in headers].filter(Boolean)).toHaveLength(1);
        // W3C Level 2: a continued trace keeps the caller's random flag (none from B3); a new trace id is random.
        if (headers.traceparent !== undefined) {
          const flags = parseInt(headers.traceparent.slice(-2), 16);
          expect({ sampled: (flags & 0x01) === 0x01, random: (flags & 0x02) === 0x02 }).toEqual({
            sampled: spans.outbound.sampling !== 'not_sampled',
            random: inbound.ids === undefined || inbound.random === true,
          });
        }
        // A continued trace keeps the caller's id, length included (b3-propagation#47).
        if (inbound.ids !== undefined) expect(spans.outbound.traceId).toBe(inbound.ids.traceId.replace(/^0{16}(?=[0-9a-f]{16}$)/, ''));
        expect([spans.outbound.spanId, spans.outbound.parentSpanId].filter((id) => !SPAN_ID.test(id) || ALL_ZERO.test(id))).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
