import { isIPv4, isIPv6 } from 'node:net';
import { SpanKind, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { toWireTraceId } from '../propagation/trace-ids';
import { ZIPKIN_DEBUG_ATTRIBUTE } from '../sdk/gateway-sampler';
import { ENDPOINT_ATTRIBUTE } from './span-attributes';
import type { ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-span';

const KIND: Readonly<Partial<Record<SpanKind, ZipkinKind>>> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Attributes that are not tags: they become the remote endpoint or the debug flag. */
const NOT_TAGS: ReadonlySet<string> = new Set([...Object.values(ENDPOINT_ATTRIBUTE), ZIPKIN_DEBUG_ATTRIBUTE]);

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** `::ffff:` before a dotted quad: an IPv4 client on a dual-stack socket. */
const IPV4_MAPPED_PREFIX = /^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i;

/**
 * The one OpenTelemetry span → Zipkin V2 model transform; every encoding is derived from its output.
 * Unlike @opentelemetry/exporter-zipkin it writes remoteEndpoint (so Zipkin draws dependency links),
 * debug, 64-bit trace ids at their length, and no OTel-specific tags.
 *
 * Runs for every span as it ends: fields are assigned one by one, in the model's key order, only when
 * present (conditional spreads allocated a temporary object per field).
 */
export function toZipkinSpan(span: ReadableSpan, localEndpoint: ZipkinEndpoint, staticTags?: Readonly<Record<string, string>>): ZipkinSpan {
  const context = span.spanContext();
  const attributes = span.attributes;
  const zipkin: Writable<ZipkinSpan> = { traceId: toWireTraceId(context.traceId), id: context.spanId };
  if (span.parentSpanContext !== undefined) zipkin.parentId = span.parentSpanContext.spanId;
  zipkin.name = span.name.toLowerCase();
  const kind = KIND[span.kind];
  if (kind !== undefined) zipkin.kind = kind;
  // Zipkin times are integer microseconds. Start and end are each rounded down, the duration taken between
  // them: a span that lies within another on the clock still does after rounding (a duration is at least 1).
  const start = Math.floor(hrTimeToMicroseconds(span.startTime));
  zipkin.timestamp = start;
  zipkin.duration = Math.max(1, Math.floor(hrTimeToMicroseconds(span.endTime)) - start);
  if (attributes[ZIPKIN_DEBUG_ATTRIBUTE] === true) zipkin.debug = true;
  zipkin.localEndpoint = localEndpoint;
  const remoteEndpoint = toRemoteEndpoint(attributes);
  if (remoteEndpoint !== undefined) zipkin.remoteEndpoint = remoteEndpoint;
  if (span.events.length > 0) {
    zipkin.annotations = span.events.map((event) => ({ timestamp: Math.floor(hrTimeToMicroseconds(event.time)), value: event.name }));
  }
  const tags = toTags(attributes, staticTags);
  if (tags !== undefined) zipkin.tags = tags;
  return zipkin;
}

function toRemoteEndpoint(attributes: Attributes): ZipkinEndpoint | undefined {
  const serviceName = attributes[ENDPOINT_ATTRIBUTE.peerService];
  const address = attributes[ENDPOINT_ATTRIBUTE.peerAddress];
  const port = attributes[ENDPOINT_ATTRIBUTE.peerPort];
  const endpoint: Writable<ZipkinEndpoint> = {};
  if (typeof serviceName === 'string' && serviceName !== '') endpoint.serviceName = serviceName;
  if (typeof address === 'string') {
    const ip = address.startsWith('::') ? address.replace(IPV4_MAPPED_PREFIX, '') : address;
    // An address is one or the other (or neither): IPv6 is not tried on a dotted quad.
    if (isIPv4(ip)) endpoint.ipv4 = ip;
    else if (isIPv6(ip)) endpoint.ipv6 = ip;
  }
  if (typeof port === 'number' && port > 0 && port <= 65535) endpoint.port = port;
  const empty = endpoint.serviceName === undefined && endpoint.ipv4 === undefined && endpoint.ipv6 === undefined && endpoint.port === undefined;
  return empty ? undefined : endpoint;
}

/** The span's attributes as tags, over the static tags (the span's own value wins on a shared key). */
function toTags(attributes: Attributes, staticTags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  let tags: Record<string, string> | undefined = staticTags === undefined ? undefined : { ...staticTags };
  for (const key in attributes) {
    const value = attributes[key];
    if (NOT_TAGS.has(key) || value === undefined) continue;
    (tags ??= {})[key] = tagValue(value);
  }
  return tags;
}

/** V2 tags are strings only. */
function tagValue(value: AttributeValue): string {
  return typeof value === 'string' ? value : Array.isArray(value) ? JSON.stringify(value) : String(value);
}
