import type { OutgoingHttpHeaders } from 'node:http';
import { buildDownstreamHeaders, buildUpstreamHeaders, compileHeaderDropList, rawHeaderValues, requestIdFrom, type UpstreamHeaderContext } from './header-policy';

const TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7';
const CLIENT_SPAN_ID = 'c0ffee0ddba11f00';
const SERVER_SPAN_ID = '352bff9a74ca9ad2';
const CALLER_SPAN_ID = 'e457b5a2e4d86bd1';

const OUR_B3_MULTI = { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': CLIENT_SPAN_ID, 'x-b3-parentspanid': SERVER_SPAN_ID, 'x-b3-sampled': '1' };
const OUR_TRACEPARENT = { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` };

/** The caller's own trace headers, all of which must be replaced by ours. */
const INBOUND_TRACE_RAW = [
  'b3', `${TRACE_ID}-${CALLER_SPAN_ID}-1`,
  'X-B3-TraceId', TRACE_ID, 'X-B3-SpanId', CALLER_SPAN_ID, 'X-B3-ParentSpanId', '05e3ac9a4f6e3b90', 'X-B3-Sampled', '1', 'X-B3-Flags', '1',
  'traceparent', `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'tracestate', 'vendor=caller',
];

function makeContext(overrides: Partial<UpstreamHeaderContext> = {}): UpstreamHeaderContext {
  return {
    host: 'bookinfo.example.com',
    clientAddress: '198.51.100.7',
    forwardedHost: 'gw.example.com',
    requestId: 'req-1',
    traceHeaders: OUR_B3_MULTI,
    tracestate: undefined,
    drop: compileHeaderDropList(['x-envoy-*', 'X-Internal-Token']),
    ...overrides,
  };
}

/** What buildUpstreamHeaders always adds for makeContext(). */
const ADDED = {
  host: 'bookinfo.example.com',
  'x-forwarded-for': '198.51.100.7',
  'x-forwarded-proto': 'http',
  'x-forwarded-host': 'gw.example.com',
  'x-request-id': 'req-1',
  ...OUR_B3_MULTI,
};

describe('header-policy', () => {
  describe(buildUpstreamHeaders.name, () => {
    it('should forward end-to-end headers and replace everything hop-by-hop, forwarding and tracing', () => {
      const raw = [
        'Host', 'gw.example.com',
        'User-Agent', 'curl/8.5.0',
        'Accept', '*/*',
        'Cookie', 'a=1',
        'Connection', 'keep-alive, X-Hop',
        'X-Hop', 'listed in Connection',
        'Keep-Alive', 'timeout=5',
        'TE', 'trailers',
        'Trailer', 'Expires',
        'Transfer-Encoding', 'chunked',
        'Upgrade', 'h2c',
        'Proxy-Authorization', 'Basic Zm9vOmJhcg==',
        'Proxy-Connection', 'keep-alive',
        'Expect', '100-continue',
        'Cookie', 'b=2',
        'X-Forwarded-For', '203.0.113.1',
        'X-Forwarded-Proto', 'https',
        'X-Forwarded-Host', 'spoofed.example',
        'X-Request-Id', 'caller-id',
        ...INBOUND_TRACE_RAW,
        'Content-Type', 'application/json',
      ];
      expect(buildUpstreamHeaders(raw, makeContext())).toEqual<OutgoingHttpHeaders>({
        'user-agent': 'curl/8.5.0',
        accept: '*/*',
        cookie: ['a=1', 'b=2'],
        'content-type': 'application/json',
        ...ADDED,
        'x-forwarded-for': '203.0.113.1, 198.51.100.7',
      });
    });

    it.each<[string, string[], Partial<UpstreamHeaderContext>, OutgoingHttpHeaders]>([
      ['nothing from an empty request', [], {}, ADDED],
      ['Connection-listed names, case-insensitively and trimmed', ['Connection', 'close, X-Foo ,x-BAR,', 'x-foo', '1', 'X-Bar', '2', 'X-Baz', '3'], {},
        { 'x-baz': '3', ...ADDED }],
      ['names listed by several Connection headers', ['Connection', 'x-a', 'Connection', 'x-b', 'X-A', '1', 'X-B', '2', 'X-C', '3'], {},
        { 'x-c': '3', ...ADDED }],
      ['each RFC 9110 hop-by-hop header', ['Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Trailer', 'Expires', 'Transfer-Encoding', 'chunked', 'Upgrade', 'websocket', 'Connection', 'Upgrade'], {},
        ADDED],
      ['every Proxy-* header', ['Proxy-Authorization', 'Basic x', 'Proxy-Authenticate', 'Basic', 'Proxy-Connection', 'close', 'proxy-anything', 'x'], {}, ADDED],
      ['Expect (Node already answered 100-continue)', ['Expect', '100-continue', 'Content-Length', '3'], {}, { 'content-length': '3', ...ADDED }],
      ['duplicates in their order, names lowered', ['X-Dup', '1', 'x-dup', '2', 'X-DUP', '3'], {}, { 'x-dup': ['1', '2', '3'], ...ADDED }],
      ['a single header as a string', ['Authorization', 'Bearer t'], {}, { authorization: 'Bearer t', ...ADDED }],
      ['every inbound trace header, replaced by ours', INBOUND_TRACE_RAW, {}, ADDED],
      ['the inbound b3 header even when we inject multi only (envoyproxy/envoy#47515)', ['b3', `${TRACE_ID}-${CALLER_SPAN_ID}-1`], {}, ADDED],
      ['the caller\'s tracestate with our traceparent', INBOUND_TRACE_RAW, { traceHeaders: { ...OUR_B3_MULTI, ...OUR_TRACEPARENT }, tracestate: 'vendor=caller' },
        { ...ADDED, ...OUR_TRACEPARENT, tracestate: 'vendor=caller' }],
      ['no tracestate without our traceparent', INBOUND_TRACE_RAW, { tracestate: 'vendor=caller' }, ADDED],
      ['no tracestate when the caller sent none', [], { traceHeaders: OUR_TRACEPARENT }, { ...ADDED, 'x-b3-traceid': undefined, 'x-b3-spanid': undefined, 'x-b3-parentspanid': undefined, 'x-b3-sampled': undefined, ...OUR_TRACEPARENT }],
      ['the route\'s Host, never the caller\'s', ['Host', 'gw.example.com', 'host', 'other'], { host: 'orders.internal:8443' }, { ...ADDED, host: 'orders.internal:8443' }],
      ['X-Forwarded-For appended to an existing chain', ['X-Forwarded-For', '203.0.113.1, 10.0.0.1'], {}, { ...ADDED, 'x-forwarded-for': '203.0.113.1, 10.0.0.1, 198.51.100.7' }],
      ['repeated X-Forwarded-For headers joined in order', ['X-Forwarded-For', ' 203.0.113.1 ', 'x-forwarded-for', '10.0.0.1'], {}, { ...ADDED, 'x-forwarded-for': '203.0.113.1, 10.0.0.1, 198.51.100.7' }],
      ['an IPv6 client address', [], { clientAddress: '2001:db8::1' }, { ...ADDED, 'x-forwarded-for': '2001:db8::1' }],
      ['no X-Forwarded-For without a client address', [], { clientAddress: undefined }, { ...ADDED, 'x-forwarded-for': undefined }],
      ['no X-Forwarded-Host without the caller\'s Host', [], { forwardedHost: undefined }, { ...ADDED, 'x-forwarded-host': undefined }],
      ['X-Forwarded-Proto and -Host replaced', ['X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'spoofed'], {}, ADDED],
      ['x-request-id replaced', ['X-Request-Id', 'caller-id', 'x-request-id', 'second'], { requestId: 'chosen' }, { ...ADDED, 'x-request-id': 'chosen' }],
      ['edge trust headers dropped by prefix, any casing (x-envoy-*)', ['X-Envoy-Force-Trace', '1', 'x-envoy-upstream-rq-timeout-ms', '1', 'x-envoy-original-path', '/admin', 'X-Envoyish', 'kept'], {},
        { ...ADDED, 'x-envoyish': 'kept' }],
      ['a header dropped by its exact name, not its longer relatives', ['x-internal-token', 's', 'X-Internal-Token-Id', 'kept'], {}, { ...ADDED, 'x-internal-token-id': 'kept' }],
      ['nothing dropped with an empty drop list', ['X-Envoy-Force-Trace', '1'], { drop: compileHeaderDropList([]) }, { ...ADDED, 'x-envoy-force-trace': '1' }],
      ['everything end-to-end with only Connection: keep-alive', ['Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'User-Agent', 'ua', 'Cookie', 'a=1'], {},
        { 'user-agent': 'ua', cookie: 'a=1', ...ADDED }],
      ['a common header listed in Connection, in another casing', ['Cookie', 'a=1', 'connection', 'COOKIE', 'cookie', 'b=2', 'Accept', '*/*'], {}, { accept: '*/*', ...ADDED }],
      ['common names in any casing, lowered', ['USER-AGENT', 'ua', 'accept-Encoding', 'gzip', 'Content-type', 'text/plain', 'cookie', 'a=1', 'COOKIE', 'b=2'], {},
        { 'user-agent': 'ua', 'accept-encoding': 'gzip', 'content-type': 'text/plain', cookie: ['a=1', 'b=2'], ...ADDED }],
      ['names as long as X-Forwarded-For and Connection kept apart from them', ['Accept-Encoding', 'gzip', 'Accept-Language', 'en', 'User-Agent', 'ua', 'Set-Cookie', 'odd'], {},
        { 'accept-encoding': 'gzip', 'accept-language': 'en', 'user-agent': 'ua', 'set-cookie': 'odd', ...ADDED }],
      ['X-Forwarded-For in capitals', ['X-FORWARDED-FOR', '203.0.113.1'], {}, { ...ADDED, 'x-forwarded-for': '203.0.113.1, 198.51.100.7' }],
      ['a common header dropped by the drop list', ['Cookie', 'a=1', 'Accept', '*/*'], { drop: compileHeaderDropList(['COOKIE']) }, { accept: '*/*', ...ADDED }],
    ])('should handle %s', (_case, raw, context, expected) => {
      const withoutUndefined = Object.fromEntries(Object.entries(expected).filter(([, value]) => value !== undefined));
      expect(buildUpstreamHeaders(raw, makeContext(context))).toEqual(withoutUndefined);
    });
  });

  describe('key order (Node writes headers in insertion order)', () => {
    it.each<[string, () => OutgoingHttpHeaders, string[]]>([
      ['upstream: the caller\'s names by first appearance, then host, forwarding, request id, trace', () => buildUpstreamHeaders(
        ['Host', 'gw', 'User-Agent', 'ua', 'Cookie', 'a=1', 'Accept', '*/*', 'X-Forwarded-For', '203.0.113.1', 'cookie', 'b=2', 'X-Custom', '1', 'Accept-Encoding', 'gzip'], makeContext()),
      ['user-agent', 'cookie', 'accept', 'x-custom', 'accept-encoding', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', ...Object.keys(OUR_B3_MULTI)]],
      ['upstream: tracestate last, after our traceparent', () => buildUpstreamHeaders(['tracestate', 'vendor=caller', 'Accept', '*/*'], makeContext({ traceHeaders: OUR_TRACEPARENT, tracestate: 'vendor=caller' })),
        ['accept', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', 'traceparent', 'tracestate']],
      ['downstream: the upstream\'s names by first appearance', () => buildDownstreamHeaders(
        ['content-type', 'text/html', 'Set-Cookie', 'a=1', 'date', 'd', 'set-cookie', 'b=2', 'x-envoy-upstream-service-time', '12', 'server', 'envoy']),
      ['content-type', 'set-cookie', 'date', 'x-envoy-upstream-service-time', 'server']],
    ])('should keep %s', (_case, build, keys) => {
      expect(Object.keys(build())).toEqual(keys);
    });
  });

  describe(buildDownstreamHeaders.name, () => {
    it.each<[string, string[], OutgoingHttpHeaders]>([
      ['nothing from an empty answer', [], {}],
      ['end-to-end headers with every Set-Cookie kept in order', [
        'Content-Type', 'text/html', 'Set-Cookie', 'a=1; Path=/', 'Set-Cookie', 'b=2; HttpOnly', 'Cache-Control', 'no-store',
      ], { 'content-type': 'text/html', 'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'], 'cache-control': 'no-store'}],
      ['a single Set-Cookie as a string', ['Set-Cookie', 'a=1'], { 'set-cookie': 'a=1'}],
      ['hop-by-hop headers removed', [
        'Connection', 'keep-alive, X-Upstream-Hop', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'X-Upstream-Hop', '1',
        'Trailer', 'Expires', 'Upgrade', 'h2c', 'Proxy-Authenticate', 'Basic', 'Content-Length', '12',
      ], { 'content-length': '12'}],
      ['the upstream\'s x-request-id left out (the exchange sets ours)', ['X-Request-Id', 'upstream-id'], {}],
      ['a typical upstream answer whole', [
        'content-type', 'text/html', 'content-length', '1683', 'date', 'Tue, 25 Nov 2026 07:00:00 GMT', 'x-envoy-upstream-service-time', '12', 'server', 'istio-envoy',
      ], { 'content-type': 'text/html', 'content-length': '1683', date: 'Tue, 25 Nov 2026 07:00:00 GMT', 'x-envoy-upstream-service-time': '12', server: 'istio-envoy' }],
      ['a Connection-listed common header, and Title-Case names lowered', ['Connection', 'close, Set-Cookie', 'Set-Cookie', 'a=1', 'Content-Type', 'text/html', 'SERVER', 'envoy'],
        { 'content-type': 'text/html', server: 'envoy' }],
      ['names an object inherits, forwarded as sent (not joined with Object\'s own)', ['Constructor', 'x', 'toString', 'y', 'hasOwnProperty', 'z'],
        { constructor: 'x', tostring: 'y', hasownproperty: 'z' }],
    ])('should build %s', (_case, raw, expected) => {
      expect(buildDownstreamHeaders(raw)).toEqual(expected);
    });
  });

  describe(rawHeaderValues.name, () => {
    it.each<[string, string[], string, string[]]>([
      ['none', ['Accept', '*/*'], 'host', []],
      ['one, any casing', ['HOST', 'a.example', 'Accept', '*/*'], 'host', ['a.example']],
      ['repeats in order', ['Host', 'a.example', 'host', 'b.example'], 'host', ['a.example', 'b.example']],
      ['not a longer or shorter name', ['Hosts', 'x', 'Hos', 'y'], 'host', []],
      ['values untouched', ['X-Forwarded-For', ' 10.0.0.1 '], 'x-forwarded-for', [' 10.0.0.1 ']],
    ])('should find %s', (_case, rawHeaders, name, expected) => {
      expect(rawHeaderValues(rawHeaders, name)).toEqual(expected);
    });
  });

  describe(requestIdFrom.name, () => {
    const generate = (): string => 'generated-id';

    it.each<[string, string | string[] | undefined, string]>([
      ['a token', 'abc-123', 'abc-123'],
      ['a UUID', '0b8e7a8e-4d2b-4c5b-9a8f-2f4b7e1c9d30', '0b8e7a8e-4d2b-4c5b-9a8f-2f4b7e1c9d30'],
      ['printable punctuation', 'a:b/c=d+e_f.g~h', 'a:b/c=d+e_f.g~h'],
      ['200 characters', 'x'.repeat(200), 'x'.repeat(200)],
      ['a single character', 'x', 'x'],
      ['nothing: a new one', undefined, 'generated-id'],
      ['an empty value: a new one', '', 'generated-id'],
      ['a repeated header (array): a new one', ['a', 'b'], 'generated-id'],
      ['201 characters: a new one', 'x'.repeat(201), 'generated-id'],
      ['a space: a new one', 'a b', 'generated-id'],
      ['a value joined by Node from two headers: a new one', 'a, b', 'generated-id'],
      ['a tab: a new one', 'a\tb', 'generated-id'],
      ['a NUL: a new one', 'a\u0000b', 'generated-id'],
      ['a CR LF: a new one', 'a\r\nx-injected: 1', 'generated-id'],
      ['a DEL: a new one', 'a\u007f', 'generated-id'],
      ['non-ASCII: a new one', 'réq', 'generated-id'],
    ])('should take %s', (_case, value, expected) => {
      expect(requestIdFrom(value, generate)).toBe(expected);
    });
  });
});
