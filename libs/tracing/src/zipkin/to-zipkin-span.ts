import { isIPv4, isIPv6 } from 'node:net';
import { SpanKind, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
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

/**
 * The one OpenTelemetry span → Zipkin V2 model transform; every encoding is derived from its output.
 * Unlike @opentelemetry/exporter-zipkin it writes remoteEndpoint (so Zipkin draws dependency links),
 * debug, 64-bit trace ids at their length, and no OTel-specific tags.
 */
export function toZipkinSpan(span: ReadableSpan, localEndpoint: ZipkinEndpoint): ZipkinSpan {
  const context = span.spanContext();
  const remoteEndpoint = toRemoteEndpoint(span.attributes);
  const tags = toTags(span.attributes);
  const annotations = span.events.map((event) => ({ timestamp: Math.round(hrTimeToMicroseconds(event.time)), value: event.name }));
  return {
    traceId: toWireTraceId(context.traceId),
    id: context.spanId,
    ...(span.parentSpanContext !== undefined && { parentId: span.parentSpanContext.spanId }),
    name: span.name.toLowerCase(),
    ...(KIND[span.kind] !== undefined && { kind: KIND[span.kind] }),
    timestamp: Math.round(hrTimeToMicroseconds(span.startTime)),
    // Zipkin times are integer microseconds; a duration is at least 1.
    duration: Math.max(1, Math.round(hrTimeToMicroseconds(span.duration))),
    ...(span.attributes[ZIPKIN_DEBUG_ATTRIBUTE] === true && { debug: true }),
    localEndpoint,
    ...(remoteEndpoint !== undefined && { remoteEndpoint }),
    ...(annotations.length > 0 && { annotations }),
    ...(tags !== undefined && { tags }),
  };
}

function toRemoteEndpoint(attributes: Attributes): ZipkinEndpoint | undefined {
  const serviceName = attributes[ENDPOINT_ATTRIBUTE.peerService];
  const rawAddress = attributes[ENDPOINT_ATTRIBUTE.peerAddress];
  const port = attributes[ENDPOINT_ATTRIBUTE.peerPort];
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  const address = typeof rawAddress === 'string' ? rawAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '') : undefined;
  const endpoint: ZipkinEndpoint = {
    ...(typeof serviceName === 'string' && serviceName !== '' && { serviceName }),
    ...(address !== undefined && isIPv4(address) && { ipv4: address }),
    ...(address !== undefined && isIPv6(address) && { ipv6: address }),
    ...(typeof port === 'number' && port > 0 && port <= 65535 && { port }),
  };
  return Object.keys(endpoint).length > 0 ? endpoint : undefined;
}

function toTags(attributes: Attributes): Record<string, string> | undefined {
  let tags: Record<string, string> | undefined;
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
