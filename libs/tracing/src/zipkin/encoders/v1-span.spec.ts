import type { ZipkinSpan } from '../zipkin-span';
import {
  CALLER_ENDPOINT, DURATION_US, GATEWAY_ENDPOINT, PARENT_ID, SPAN_ID, START_US, TRACE_ID_64, UPSTREAM_ENDPOINT, makeSpan,
} from './testing/make-span';
import type { V1Annotation, V1BinaryAnnotation, V1Endpoint, V1Span } from './v1-span';
import { toZipkinV1Span } from './v1-span';

const LOCAL: V1Endpoint = { serviceName: 'external-proxy', ipv4: '10.1.2.3', port: 8080 };
const CALLER: V1Endpoint = { serviceName: '', ipv4: '172.19.0.2', port: 58648 };
const UPSTREAM: V1Endpoint = { serviceName: 'orders', ipv4: '10.2.0.7', port: 443 };
const LOCAL_IPV6: V1Endpoint = { serviceName: 'external-proxy', ipv4: '10.1.2.3', ipv6: '2001:db8::c001' };
const END_US = START_US + DURATION_US;

const at = (timestamp: number, value: string, host: V1Endpoint = LOCAL): V1Annotation => ({ timestamp, value, host });
const tag = (key: string, value: string, host: V1Endpoint = LOCAL): V1BinaryAnnotation => ({ key, type: 'STRING', value, host });
const address = (key: 'sa' | 'ca' | 'ma', host: V1Endpoint): V1BinaryAnnotation => ({ key, type: 'BOOL', value: true, host });
const HTTP_TAGS = [tag('http.method', 'GET'), tag('http.path', '/api/orders/42')];

/** The V1 form of makeSpan() (a SERVER span) before each rule changes it. */
const SERVER_V1: V1Span = {
  traceIdHigh: '5af7183fb1d4cf5f',
  traceId: '6b221d5bc9e6496c',
  parentId: PARENT_ID,
  id: SPAN_ID,
  name: 'get /api/orders/{id}',
  timestamp: START_US,
  duration: DURATION_US,
  annotations: [at(START_US, 'sr'), at(END_US, 'ss')],
  binaryAnnotations: [address('ca', CALLER), ...HTTP_TAGS],
};
const LOCAL_SPAN: Partial<ZipkinSpan> = { kind: undefined, remoteEndpoint: undefined, tags: undefined };

describe(toZipkinV1Span.name, () => {
  it.each<[string, ZipkinSpan, V1Span]>([
    ['SERVER: sr/ss around the span, caller as ca', makeSpan(), SERVER_V1],
    ['CLIENT: cs/cr around the span, server as sa', makeSpan({ kind: 'CLIENT', remoteEndpoint: UPSTREAM_ENDPOINT }),
      { ...SERVER_V1, annotations: [at(START_US, 'cs'), at(END_US, 'cr')], binaryAnnotations: [...HTTP_TAGS, address('sa', UPSTREAM)] }],
    ['PRODUCER: ms, ws at the end, broker as ma', makeSpan({ kind: 'PRODUCER', tags: undefined }),
      { ...SERVER_V1, annotations: [at(START_US, 'ms'), at(END_US, 'ws')], binaryAnnotations: [address('ma', CALLER)] }],
    ['CONSUMER with a duration: wr then mr, broker as ma', makeSpan({ kind: 'CONSUMER', tags: undefined }),
      { ...SERVER_V1, annotations: [at(START_US, 'wr'), at(END_US, 'mr')], binaryAnnotations: [address('ma', CALLER)] }],
    ['CONSUMER without a duration: mr alone', makeSpan({ kind: 'CONSUMER', duration: undefined, tags: undefined }),
      { ...SERVER_V1, duration: undefined, annotations: [at(START_US, 'mr')], binaryAnnotations: [address('ma', CALLER)] }],
    ['local span: lc = "" carries the local endpoint', makeSpan(LOCAL_SPAN),
      { ...SERVER_V1, annotations: [], binaryAnnotations: [tag('lc', '')] }],
    ['local span with tags: the tags carry the endpoint, no lc', makeSpan({ ...LOCAL_SPAN, tags: { component: 'cache' } }),
      { ...SERVER_V1, annotations: [], binaryAnnotations: [tag('component', 'cache')] }],
    ['no kind but a remote endpoint: sa (and lc, as nothing else carries the host)', makeSpan({ kind: undefined, tags: undefined }),
      { ...SERVER_V1, annotations: [], binaryAnnotations: [tag('lc', ''), address('sa', CALLER)] }],
    ['shared: no timestamp or duration, core annotations kept', makeSpan({ shared: true }),
      { ...SERVER_V1, timestamp: undefined, duration: undefined }],
    ['no duration: only the start annotation', makeSpan({ kind: 'CLIENT', duration: undefined, remoteEndpoint: undefined }),
      { ...SERVER_V1, duration: undefined, annotations: [at(START_US, 'cs')], binaryAnnotations: HTTP_TAGS }],
    ['no timestamp: no core annotations, lc when nothing else',
      makeSpan({ timestamp: undefined, duration: undefined, remoteEndpoint: undefined, tags: undefined }),
      { ...SERVER_V1, timestamp: undefined, duration: undefined, annotations: [], binaryAnnotations: [tag('lc', '')] }],
    ['64-bit trace id: no traceIdHigh', makeSpan({ traceId: TRACE_ID_64 }), { ...SERVER_V1, traceIdHigh: undefined }],
    ['128-bit trace id with a zero high half: 64-bit on the wire', makeSpan({ traceId: `0000000000000000${TRACE_ID_64}` }),
      { ...SERVER_V1, traceIdHigh: undefined }],
    ['root span: no parentId', makeSpan({ parentId: undefined }), { ...SERVER_V1, parentId: undefined }],
    ['debug true copied', makeSpan({ debug: true }), { ...SERVER_V1, debug: true }],
    ['debug false copied', makeSpan({ debug: false }), { ...SERVER_V1, debug: false }],
    ['tags: STRING binary annotations sorted by key, empty value kept', makeSpan({ tags: { z: 'last', error: '', a: '1' } }),
      { ...SERVER_V1, binaryAnnotations: [tag('a', '1'), address('ca', CALLER), tag('error', ''), tag('z', 'last')] }],
    ['annotations: copied with the local host, sorted by time',
      makeSpan({ annotations: [{ timestamp: START_US + 9, value: 'wr' }, { timestamp: START_US + 5, value: 'ws' }] }),
      { ...SERVER_V1, annotations: [at(START_US, 'sr'), at(START_US + 5, 'ws'), at(START_US + 9, 'wr'), at(END_US, 'ss')] }],
    ['a V2 annotation named like the core one is not repeated', makeSpan({ annotations: [{ timestamp: START_US - 3, value: 'sr' }] }),
      { ...SERVER_V1, annotations: [at(START_US - 3, 'sr'), at(END_US, 'ss')] }],
    ['no remote endpoint: no address annotation', makeSpan({ remoteEndpoint: undefined }), { ...SERVER_V1, binaryAnnotations: HTTP_TAGS }],
    ['empty remote endpoint (bad address only): no address annotation', makeSpan({ remoteEndpoint: { ipv4: '999.1.1.1' } }),
      { ...SERVER_V1, binaryAnnotations: HTTP_TAGS }],
    ['absent name: empty string', makeSpan({ name: undefined }), { ...SERVER_V1, name: '' }],
    ['no local endpoint: no host on annotations and tags', makeSpan({ localEndpoint: undefined }), {
      ...SERVER_V1,
      annotations: [{ timestamp: START_US, value: 'sr' }, { timestamp: END_US, value: 'ss' }],
      binaryAnnotations: [
        address('ca', CALLER),
        { key: 'http.method', type: 'STRING', value: 'GET' },
        { key: 'http.path', type: 'STRING', value: '/api/orders/42' },
      ],
    }],
    ['IPv6 endpoint, port dropped when out of range',
      makeSpan({ localEndpoint: { ...GATEWAY_ENDPOINT, ipv6: '2001:db8::c001', port: 0 }, remoteEndpoint: undefined, tags: undefined }),
      { ...SERVER_V1, annotations: [at(START_US, 'sr', LOCAL_IPV6), at(END_US, 'ss', LOCAL_IPV6)], binaryAnnotations: [] }],
  ])('should convert %s', (_rule, span, expected) => {
    expect(toZipkinV1Span(span)).toEqual(expected);
  });

  it('should not modify its input', () => {
    const span = makeSpan({ annotations: [{ timestamp: 2, value: 'b' }, { timestamp: 1, value: 'a' }] });
    const before = structuredClone(span);

    toZipkinV1Span(span);

    expect(span).toEqual(before);
    expect(CALLER_ENDPOINT).toEqual({ ipv4: '172.19.0.2', port: 58648 });
  });
});
