import { SpanKind, type AttributeValue, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ENDPOINT_ATTRIBUTE, TAG } from '../zipkin/span-attributes';

/** What every OTLP span of the process shares: the resource (service.name and static attributes) and our scope. */
export interface OtlpSpanOrigin {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/**
 * Our span attributes use the names Zipkin users search by; OTLP backends expect the current HTTP semantic
 * conventions. Renamed keys; every other attribute keeps its name.
 */
const RENAMED: Readonly<Record<string, string>> = {
  [TAG.httpMethod]: 'http.request.method',
  [TAG.httpPath]: 'url.path',
  [TAG.error]: 'error.type',
};
const STATUS_CODE = 'http.response.status_code';
/** The other party of the exchange: the caller on a SERVER span, the upstream on a CLIENT span. */
const PEER: Readonly<Partial<Record<SpanKind, { readonly address: string; readonly port: string }>>> = {
  [SpanKind.SERVER]: { address: 'client.address', port: 'client.port' },
  [SpanKind.CLIENT]: { address: 'server.address', port: 'server.port' },
};

/**
 * The span as the OTLP serializer reads it: same ids (a 64-bit trace id is already zero-padded to 16 bytes in
 * the SDK), kind, name (not lower-cased), times, status and events, with semantic-convention attributes and the
 * process's resource. Pure: the SDK's span is not changed.
 */
export function toOtlpSpan(span: ReadableSpan, origin: OtlpSpanOrigin): ReadableSpan {
  const context: SpanContext = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => context,
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: toOtlpAttributes(span.attributes, span.kind),
    links: span.links,
    events: span.events,
    ended: span.ended,
    resource: origin.resource,
    instrumentationScope: origin.scope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Attributes under their semantic-convention names; undefined values are left out. */
export function toOtlpAttributes(attributes: Attributes, kind: SpanKind): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    if (key === TAG.httpStatusCode) out[STATUS_CODE] = statusCode(value);
    else out[RENAMED[key] ?? key] = value;
  }
  const peer = PEER[kind];
  if (peer !== undefined) {
    const address = attributes[ENDPOINT_ATTRIBUTE.peerAddress];
    const port = attributes[ENDPOINT_ATTRIBUTE.peerPort];
    // An upstream named by host keeps its name as server.address; its IP stays network.peer.address.
    if (typeof address === 'string' && out[peer.address] === undefined) out[peer.address] = address;
    if (typeof port === 'number') out[peer.port] = port;
  }
  return out;
}

/** Zipkin tags are strings; http.response.status_code is an integer. */
function statusCode(value: AttributeValue): AttributeValue {
  const code = typeof value === 'string' ? Number(value) : value;
  return typeof code === 'number' && Number.isInteger(code) ? code : value;
}
