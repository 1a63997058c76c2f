import type { ZipkinEndpoint, ZipkinKind, ZipkinSpan } from '../zipkin-span';
import { splitTraceId, toWireEndpoint } from './wire-ids';

/** zipkinCore.thrift Endpoint: `service_name` is always written, "" when unknown (V1 JSON requires it). */
export interface V1Endpoint {
  readonly serviceName: string;
  readonly ipv4?: string;
  readonly ipv6?: string;
  readonly port?: number;
}

export interface V1Annotation {
  /** Epoch microseconds. */
  readonly timestamp: number;
  readonly value: string;
  /** The endpoint that logged the event: the V2 local endpoint; absent when that is unknown. */
  readonly host?: V1Endpoint;
}

/** zipkinCore.thrift AnnotationType; V2 only produces these two (tags and addresses). */
export type V1BinaryAnnotationType = 'BOOL' | 'STRING';

/** A V2 tag (or the `lc` marker): host is the local endpoint. */
export interface V1StringBinaryAnnotation {
  readonly key: string;
  readonly type: 'STRING';
  readonly value: string;
  readonly host?: V1Endpoint;
}

/** The V2 remote endpoint: `sa`, `ca` or `ma` = true, host is the remote endpoint. */
export interface V1AddressBinaryAnnotation {
  readonly key: V1AddressKey;
  readonly type: 'BOOL';
  readonly value: true;
  readonly host: V1Endpoint;
}

export type V1AddressKey = 'sa' | 'ca' | 'ma';
export type V1BinaryAnnotation = V1StringBinaryAnnotation | V1AddressBinaryAnnotation;

export interface V1Span {
  /** High 16 hex of a 128-bit trace id; absent for a 64-bit one. */
  readonly traceIdHigh?: string;
  /** Low 16 hex of the trace id. */
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  /** V1 requires a name: "" when unknown. */
  readonly name: string;
  readonly timestamp?: number;
  readonly duration?: number;
  /** Sorted by timestamp, then value (zipkin2.v1.V1Annotation#compareTo). */
  readonly annotations: readonly V1Annotation[];
  /** Sorted by key, stable (zipkin2.v1.V1BinaryAnnotation#compareTo). */
  readonly binaryAnnotations: readonly V1BinaryAnnotation[];
  readonly debug?: boolean;
}

/** What a kind means in V1 (zipkin2.v1.V2SpanConverter.V1SpanMetadata). */
interface CoreAnnotations {
  readonly startTs: number;
  readonly endTs: number;
  readonly begin?: string;
  readonly end?: string;
  readonly addr?: V1AddressKey;
}

const RPC_ANNOTATIONS: Readonly<Record<'CLIENT' | 'SERVER', Required<Omit<CoreAnnotations, 'startTs' | 'endTs'>>>> = {
  CLIENT: { begin: 'cs', end: 'cr', addr: 'sa' },
  SERVER: { begin: 'sr', end: 'ss', addr: 'ca' },
};

/** V1 annotations that imply a kind, as V2SpanConverter scans them. */
const KIND_OF_ANNOTATION: ReadonlyMap<string, ZipkinKind> = new Map([
  ['cs', 'CLIENT'], ['cr', 'CLIENT'], ['sr', 'SERVER'], ['ss', 'SERVER'], ['ms', 'PRODUCER'], ['mr', 'CONSUMER'],
]);

/**
 * Converts a V2 span to the V1 model exactly as openzipkin/zipkin's V2SpanConverter does: the kind,
 * timestamp and duration become core annotations, the remote endpoint an address annotation, tags
 * STRING binary annotations, and every one of them carries the local endpoint as host.
 */
export function toZipkinV1Span(span: ZipkinSpan): V1Span {
  const core = coreAnnotations(span);
  const host = toV1Endpoint(span.localEndpoint);
  const remote = toV1Endpoint(span.remoteEndpoint);
  const v2Annotations = span.annotations ?? [];
  const begin = core.startTs !== 0 ? core.begin : undefined;
  const end = core.endTs !== 0 ? core.end : undefined;

  // Objects keep one shape (absent = undefined): measured 30x faster than building them with
  // conditional spreads (1M vs 35k conversions/s), which made every V1 encoding miss its target.
  const annotations: V1Annotation[] = [];
  if (begin !== undefined) annotations.push({ timestamp: core.startTs, value: begin, host });
  for (const { timestamp, value } of v2Annotations) {
    if (value !== begin && value !== end) annotations.push({ timestamp, value, host });
  }
  if (end !== undefined) annotations.push({ timestamp: core.endTs, value: end, host });

  const binaryAnnotations: V1BinaryAnnotation[] = [];
  const tags = span.tags ?? {};
  for (const key of Object.keys(tags)) binaryAnnotations.push({ key, type: 'STRING', value: tags[key], host });
  const coreCount = (begin !== undefined ? 1 : 0) + (end !== undefined ? 1 : 0);
  // "lc" = "" keeps an in-process span findable by its service when nothing else carries the host.
  if (host !== undefined && coreCount + v2Annotations.length === 0 && binaryAnnotations.length === 0) {
    binaryAnnotations.push({ key: 'lc', type: 'STRING', value: '', host });
  }
  if (core.addr !== undefined && remote !== undefined) {
    binaryAnnotations.push({ key: core.addr, type: 'BOOL', value: true, host: remote });
  }

  const { high, low } = splitTraceId(span.traceId);
  // A shared span (server side of a caller's span id) leaves timestamp and duration to the caller.
  const owned = span.shared !== true;
  return {
    traceIdHigh: high,
    traceId: low,
    parentId: span.parentId,
    id: span.id,
    name: span.name ?? '',
    timestamp: owned && span.timestamp ? span.timestamp : undefined,
    duration: owned && span.duration ? span.duration : undefined,
    annotations: annotations.sort(byTimestampThenValue),
    binaryAnnotations: binaryAnnotations.sort(byKey),
    debug: span.debug,
  };
}

function coreAnnotations(span: ZipkinSpan): CoreAnnotations {
  let startTs = span.timestamp ?? 0;
  let endTs = startTs !== 0 && span.duration ? startTs + span.duration : 0;
  let kind = span.kind;
  const seen = new Map<string, number>();
  // V2 annotations named like V1 core ones refine the kind and the bounds, as the converter does.
  for (const { timestamp, value } of span.annotations ?? []) {
    kind = KIND_OF_ANNOTATION.get(value) ?? kind;
    seen.set(value, timestamp);
    if ((value === 'cs' || value === 'sr') && timestamp < startTs) startTs = timestamp;
    if ((value === 'cr' || value === 'ss') && timestamp > endTs) endTs = timestamp;
  }
  const defaultAddr: V1AddressKey | undefined = span.remoteEndpoint !== undefined ? 'sa' : undefined;
  switch (kind) {
    case undefined:
      return { startTs, endTs, addr: defaultAddr };
    case 'CLIENT':
    case 'SERVER':
      return { startTs, endTs, ...RPC_ANNOTATIONS[kind] };
    case 'PRODUCER': {
      const ms = seen.get('ms') ?? 0;
      const ws = seen.get('ws') ?? 0;
      if (startTs === 0 || (ms !== 0 && ms < startTs)) startTs = ms;
      if (endTs === 0 || (ws !== 0 && ws > endTs)) endTs = ws;
      return { startTs, endTs, begin: 'ms', end: 'ws', addr: 'ma' };
    }
    case 'CONSUMER': {
      const wr = seen.get('wr') ?? 0;
      const mr = seen.get('mr') ?? 0;
      if (startTs === 0 || (wr !== 0 && wr < startTs)) startTs = wr;
      if (endTs === 0 || (mr !== 0 && mr > endTs)) endTs = mr;
      // With an end, the wire receive opens the span and "mr" closes it; else "mr" alone.
      return endTs !== 0 || wr !== 0
        ? { startTs, endTs, begin: 'wr', end: 'mr', addr: 'ma' }
        : { startTs, endTs, begin: 'mr', addr: 'ma' };
    }
  }
}

function toV1Endpoint(endpoint: ZipkinEndpoint | undefined): V1Endpoint | undefined {
  const wire = toWireEndpoint(endpoint);
  if (wire === undefined) return undefined;
  return { serviceName: wire.serviceName ?? '', ipv4: wire.ipv4, ipv6: wire.ipv6, port: wire.port };
}

function byTimestampThenValue(a: V1Annotation, b: V1Annotation): number {
  return a.timestamp - b.timestamp || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

function byKey(a: V1BinaryAnnotation, b: V1BinaryAnnotation): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
