import type { ZipkinEndpoint, ZipkinKind, ZipkinSpan } from '../../zipkin-span';
import type { DecodedProto3Endpoint, DecodedThriftEndpoint } from './independent-decoders';
import { decodeProto3Spans, decodeThriftSpans } from './independent-decoders';

/**
 * One shape every encoding can be brought back to, so the same spans sent as JSON_V2, PROTO3, JSON_V1
 * and THRIFT can be compared. V1 bodies are read back to V2 the way Zipkin's V1SpanConverter does
 * (core annotations give kind, `sa`/`ca`/`ma` the remote endpoint), written here independently of ours.
 * `shared` is not compared: V1 has no such flag.
 */
export interface ComparableEndpoint {
  serviceName: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ComparableSpan {
  traceId: string;
  parentId?: string;
  id: string;
  name: string;
  kind?: ZipkinKind;
  timestamp?: number;
  duration?: number;
  localEndpoint?: ComparableEndpoint;
  remoteEndpoint?: ComparableEndpoint;
  annotations: { timestamp: number; value: string }[];
  tags: Record<string, string>;
  debug: boolean;
}

/** The V1 core annotations each kind becomes (zipkin2.v1.V2SpanConverter). */
const CORE: Readonly<Record<ZipkinKind, readonly string[]>> = {
  CLIENT: ['cs', 'cr'], SERVER: ['sr', 'ss'], PRODUCER: ['ms', 'ws'], CONSUMER: ['wr', 'mr'],
};
const KIND_BY_ANNOTATION: Readonly<Record<string, ZipkinKind>> = {
  cs: 'CLIENT', cr: 'CLIENT', sr: 'SERVER', ss: 'SERVER', ms: 'PRODUCER', mr: 'CONSUMER',
};

interface Loose {
  traceId: string; parentId?: string; id: string; name?: string; kind?: string; timestamp?: number; duration?: number;
  localEndpoint?: Readonly<Partial<ComparableEndpoint>>; remoteEndpoint?: Readonly<Partial<ComparableEndpoint>>;
  annotations?: readonly { timestamp: number; value?: string }[]; tags?: Readonly<Record<string, string>>; debug?: boolean;
}

/** What a model span should look like after any encoding. */
export function comparableFromModel(spans: readonly ZipkinSpan[]): ComparableSpan[] {
  return spans.map((span) => fromV2(span));
}

export function comparableFromJsonV2(body: Buffer): ComparableSpan[] {
  return (JSON.parse(body.toString('utf8')) as Loose[]).map(fromV2);
}

export function comparableFromProto3(body: Buffer): ComparableSpan[] {
  const addresses = (endpoint?: DecodedProto3Endpoint): Partial<ComparableEndpoint> | undefined =>
    endpoint && { ...endpoint, ipv4: ipv4FromHex(endpoint.ipv4), ipv6: ipv6FromHex(endpoint.ipv6) };
  return decodeProto3Spans(body).map((span) => fromV2({
    ...span, localEndpoint: addresses(span.localEndpoint), remoteEndpoint: addresses(span.remoteEndpoint),
  }));
}

interface V1Like {
  traceId: string; parentId?: string; id: string; name: string; timestamp?: number; duration?: number; debug?: boolean;
  annotations: { timestamp: number; value: string; endpoint?: Partial<ComparableEndpoint> }[];
  binaryAnnotations: { key: string; value: string | true; endpoint?: Partial<ComparableEndpoint> }[];
}

export function comparableFromJsonV1(body: Buffer): ComparableSpan[] {
  return (JSON.parse(body.toString('utf8')) as Partial<V1Like>[])
    .map((span) => fromV1({ annotations: [], binaryAnnotations: [], ...span } as V1Like));
}

export function comparableFromThrift(body: Buffer): ComparableSpan[] {
  const hex = (value: bigint): string => BigInt.asUintN(64, value).toString(16).padStart(16, '0');
  return decodeThriftSpans(body).map((span) => fromV1({
    traceId: (span.trace_id_high !== undefined ? hex(span.trace_id_high) : '') + hex(span.trace_id),
    ...(span.parent_id !== undefined && { parentId: hex(span.parent_id) }),
    id: hex(span.id),
    name: span.name,
    ...(span.timestamp !== undefined && { timestamp: Number(span.timestamp) }),
    ...(span.duration !== undefined && { duration: Number(span.duration) }),
    ...(span.debug !== undefined && { debug: span.debug }),
    annotations: span.annotations.map((a) => ({ timestamp: Number(a.timestamp), value: a.value, endpoint: thriftEndpoint(a.host) })),
    binaryAnnotations: span.binary_annotations.map((b) => ({
      key: b.key,
      value: b.annotation_type === 0 ? true : b.value.toString('utf8'),
      endpoint: thriftEndpoint(b.host),
    })),
  }));
}

function fromV2(span: Loose): ComparableSpan {
  return {
    traceId: span.traceId,
    ...(span.parentId !== undefined && { parentId: span.parentId }),
    id: span.id,
    name: span.name ?? '',
    ...(span.kind !== undefined && { kind: span.kind as ZipkinKind }),
    ...(span.timestamp ? { timestamp: span.timestamp } : {}),
    ...(span.duration ? { duration: span.duration } : {}),
    ...endpoints(span.localEndpoint, span.remoteEndpoint),
    annotations: sortAnnotations((span.annotations ?? []).map(({ timestamp, value }) => ({ timestamp, value: value ?? '' }))),
    tags: { ...span.tags },
    debug: span.debug === true,
  };
}

function fromV1(span: V1Like): ComparableSpan {
  const values = span.annotations.map((a) => a.value);
  const kind = values.filter((value) => Object.hasOwn(KIND_BY_ANNOTATION, value)).map((value) => KIND_BY_ANNOTATION[value])[0];
  const core = kind !== undefined ? CORE[kind] : [];
  const address = span.binaryAnnotations.find((b) => b.value === true);
  const local = [...span.annotations, ...span.binaryAnnotations.filter((b) => b.value !== true)].find((a) => a.endpoint)?.endpoint;
  const tags = span.binaryAnnotations.filter((b) => b.value !== true && !(b.key === 'lc' && b.value === ''));
  return fromV2({
    ...span,
    ...(kind !== undefined && { kind }),
    localEndpoint: local,
    remoteEndpoint: address?.endpoint,
    annotations: span.annotations.filter((a) => !core.includes(a.value)).map(({ timestamp, value }) => ({ timestamp, value })),
    tags: Object.fromEntries(tags.map((b) => [b.key, String(b.value)])),
  });
}

function endpoints(local?: Partial<ComparableEndpoint>, remote?: Partial<ComparableEndpoint>): Partial<ComparableSpan> {
  const localEndpoint = comparableEndpoint(local);
  const remoteEndpoint = comparableEndpoint(remote);
  return { ...(localEndpoint && { localEndpoint }), ...(remoteEndpoint && { remoteEndpoint }) };
}

function comparableEndpoint(endpoint?: Partial<ComparableEndpoint> | ZipkinEndpoint): ComparableEndpoint | undefined {
  if (endpoint === undefined) return undefined;
  const result: ComparableEndpoint = { serviceName: endpoint.serviceName ?? '' };
  if (endpoint.ipv4) result.ipv4 = endpoint.ipv4;
  // The WHATWG URL parser writes IPv6 in its canonical compressed form.
  if (endpoint.ipv6) result.ipv6 = new URL(`http://[${endpoint.ipv6}]/`).hostname.slice(1, -1);
  if (endpoint.port) result.port = endpoint.port;
  return result;
}

function thriftEndpoint(host?: DecodedThriftEndpoint): Partial<ComparableEndpoint> | undefined {
  if (host === undefined) return undefined;
  const ipv4 = host.ipv4 >>> 0;
  return {
    serviceName: host.service_name,
    ...(ipv4 !== 0 && { ipv4: [24, 16, 8, 0].map((shift) => (ipv4 >>> shift) & 0xff).join('.') }),
    ...(host.ipv6 !== undefined && { ipv6: ipv6FromHex(host.ipv6.toString('hex')) }),
    ...(host.port !== 0 && { port: host.port & 0xffff }),
  };
}

function ipv4FromHex(hex?: string): string | undefined {
  return hex === undefined ? undefined : [...Buffer.from(hex, 'hex')].join('.');
}

function ipv6FromHex(hex?: string): string | undefined {
  return hex?.match(/.{4}/g)?.join(':');
}

function sortAnnotations(annotations: { timestamp: number; value: string }[]): { timestamp: number; value: string }[] {
  return [...annotations].sort((a, b) => a.timestamp - b.timestamp || a.value.localeCompare(b.value));
}
