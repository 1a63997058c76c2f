import type { IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';

/**
 * Malformed (and some valid) trace header sets as a hostile caller sends them, and a strict check of what
 * the upstream received. Independent of the gateway's parsers on purpose: the regexes below are written
 * from the B3 and W3C specs, not from libs/tracing.
 */

const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;
const B3_SINGLE = /^([0-9a-f]{16}|[0-9a-f]{32})-([0-9a-f]{16})-([01d])-([0-9a-f]{16})$/;
const TRACEPARENT_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
/** W3C tracestate list-member: key (simple or tenant@system) = value (no `,` or `=`, no trailing space). */
/** W3C Trace Context Level 2: a key of up to 256 characters (`@` anywhere after the first), a value of up to 256. */
const TRACESTATE_MEMBER = /^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const hex = (minLength: number, maxLength = minLength): fc.Arbitrary<string> => fc.string({ unit: hexDigit, minLength, maxLength });
/** Visible ASCII and space: what Node's client lets through in a header value. */
const printable = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength }).map((s) => s.trim());

const anyId = fc.oneof(
  { arbitrary: hex(16), weight: 3 },
  { arbitrary: hex(32), weight: 3 },
  hex(1, 40),
  fc.constantFrom('0'.repeat(16), '0'.repeat(32), 'g'.repeat(16), `${'f'.repeat(15)}z`),
  hex(33, 600),
  printable(40),
);
const sampling = fc.constantFrom('1', '0', 'd', 'D', 'true', 'false', '2', 'yes', '01');
const b3Single = fc.oneof(
  fc.tuple(anyId, anyId, sampling, anyId).map((parts) => parts.join('-')),
  fc.tuple(anyId, anyId).map((parts) => parts.join('-')),
  fc.array(printable(20), { minLength: 1, maxLength: 7 }).map((parts) => parts.join('-')),
);
const traceparent = fc.oneof(
  fc.tuple(fc.constantFrom('00', '01', 'ff', 'FF', '0x', '0'), anyId, anyId, fc.oneof(hex(2), printable(3)), fc.option(printable(10), { nil: undefined })).map(
    ([v, t, s, f, rest]) => `${v}-${t}-${s}-${f}${rest === undefined ? '' : `-${rest}`}`,
  ),
  printable(60),
);
const tracestate = fc.oneof(fc.constantFrom('congo=t61rcWkgMzE', 'a=1,b=2', 'rojo=00f067aa0ba902b7'), printable(80));

const oddlyCased = (name: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

const HEADERS: ReadonlyArray<readonly [string, fc.Arbitrary<string>]> = [
  ['b3', b3Single],
  ['x-b3-traceid', anyId],
  ['x-b3-spanid', anyId],
  ['x-b3-parentspanid', anyId],
  ['x-b3-sampled', sampling],
  ['x-b3-flags', fc.constantFrom('1', '0', 'true', '11')],
  ['traceparent', traceparent],
  ['tracestate', tracestate],
];

/** A request's trace headers: any subset (at least one), any name casing, some repeated. */
export const hostileTraceHeaders: fc.Arbitrary<Record<string, string | string[]>> = fc
  .tuple(...HEADERS.map(([name, value]) => fc.option(fc.tuple(oddlyCased(name), fc.oneof({ arbitrary: value, weight: 6 }, fc.array(value, { minLength: 2, maxLength: 2 }))), { nil: undefined })))
  .map((entries) => Object.fromEntries(entries.filter((entry) => entry !== undefined)))
  .filter((headers) => Object.keys(headers).length > 0);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function validId(id: string, pattern: RegExp): boolean {
  return pattern.test(id) && !ALL_ZERO.test(id);
}

/** The caller's traceparent, when it was one valid version-00 value (the only case W3C lets tracestate follow). */
function sentValues(sent: Record<string, string | string[]>, name: string): string[] {
  return Object.entries(sent).filter(([sentName]) => sentName.toLowerCase() === name).flatMap(([, value]) => value);
}

function validInboundTraceparent(sent: Record<string, string | string[]>): string | undefined {
  const values = sentValues(sent, 'traceparent');
  const match = values.length === 1 ? TRACEPARENT_00.exec(values[0].trim()) : null;
  return match !== null && validId(match[1], TRACE_ID) && validId(match[2], SPAN_ID) ? match[1] : undefined;
}

/**
 * Every way the trace headers the upstream received break the B3 or W3C rules, as readable strings.
 * Expects all three propagators (b3multi, b3, tracecontext) configured.
 */
export function traceHeaderViolations(received: IncomingHttpHeaders, sent: Record<string, string | string[]>): string[] {
  const violations: string[] = [];
  const check = (ok: boolean, what: string): void => void (ok || violations.push(what));
  const traceId = header(received, 'x-b3-traceid') ?? '';
  const spanId = header(received, 'x-b3-spanid') ?? '';
  const parentId = header(received, 'x-b3-parentspanid') ?? '';
  const sampled = header(received, 'x-b3-sampled');
  const flags = header(received, 'x-b3-flags');
  check(validId(traceId, TRACE_ID), `x-b3-traceid ${JSON.stringify(traceId)}`);
  check(validId(spanId, SPAN_ID), `x-b3-spanid ${JSON.stringify(spanId)}`);
  check(validId(parentId, SPAN_ID), `x-b3-parentspanid ${JSON.stringify(parentId)}`);
  check((sampled === undefined) !== (flags === undefined), `exactly one of x-b3-sampled/x-b3-flags (got ${String(sampled)}/${String(flags)})`);
  check(sampled === undefined || /^[01]$/.test(sampled), `x-b3-sampled ${JSON.stringify(sampled)}`);
  check(flags === undefined || flags === '1', `x-b3-flags ${JSON.stringify(flags)}`);
  const b3 = B3_SINGLE.exec(header(received, 'b3') ?? '');
  check(b3 !== null && b3[1] === traceId && b3[2] === spanId && b3[4] === parentId, `b3 ${JSON.stringify(header(received, 'b3'))} matching the X-B3-* ids`);
  const tp = TRACEPARENT_00.exec(header(received, 'traceparent') ?? '');
  check(tp !== null && validId(tp[1], TRACE_ID) && tp[1] === traceId.padStart(32, '0') && tp[2] === spanId && /^0[0-3]$/.test(tp[3]) && (Number.parseInt(tp[3], 16) & 1) === (sampled === '0' ? 0 : 1), `traceparent ${JSON.stringify(header(received, 'traceparent'))}`);
  const state = header(received, 'tracestate');
  if (state !== undefined) {
    const members = state.split(',').map((m) => m.trim()).filter((m) => m !== '');
    check(members.length <= 32 && members.every((m) => TRACESTATE_MEMBER.test(m)), `malformed tracestate forwarded: ${JSON.stringify(state)}`);
    const inbound = validInboundTraceparent(sent);
    check(inbound !== undefined && tp !== null && tp[1] === inbound, `tracestate forwarded without the valid traceparent it belongs to (sent traceparent: ${JSON.stringify(sentValues(sent, 'traceparent'))})`);
  }
  return violations;
}
