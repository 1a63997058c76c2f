/**
 * PROTO3: zipkin.proto Span messages; the message is a ListOfSpans (repeated field 1).
 *
 * Encoded by protobufjs (its generated encoder, from an embedded descriptor of zipkin.proto). Measured
 * on one (shared, busy) core, typical gateway SERVER span with 5 tags, identical 286 bytes: protobufjs
 * 130k-335k spans/s, a hand-written prototype 210k-580k spans/s (1.6-1.9x). The library meets the
 * 200k target on an idle core, so it is kept: its byte layout is its own, well-tested problem.
 * Framing the list (key 0x0a + varint length per span) is done here, with wire-ids.
 */
import { Root } from 'protobufjs/light';
import type { SpanBytesEncoder } from '../span-bytes-encoder';
import type { ZipkinEndpoint, ZipkinKind, ZipkinSpan } from '../zipkin-span';
import { hexIdToBytes, ipv4ToBytes, ipv6ToBytes, toWireEndpoint, varintSize, writeVarint } from './wire-ids';
import { ZIPKIN_PROTO3_DESCRIPTOR } from './zipkin-proto3-descriptor';

const SPAN = Root.fromJSON(ZIPKIN_PROTO3_DESCRIPTOR).lookupType('zipkin.proto3.Span');

/** zipkin.proto Span.Kind numbers (protobufjs encode takes enum numbers, not names). */
const KIND: Readonly<Record<ZipkinKind, number>> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };

/** ListOfSpans field 1, wire type 2 (length-delimited): (1 << 3) | 2. */
const SPANS_FIELD_KEY = 0x0a;

export class Proto3SpanBytesEncoder implements SpanBytesEncoder {
  readonly encoding = 'PROTO3';
  readonly contentType = 'application/x-protobuf';
  readonly path = '/api/v2/spans';
  /** A ListOfSpans is nothing but its repeated field: no bytes around the spans. */
  readonly messageOverheadBytes = 0;

  /** One bare Span message (not yet framed as a ListOfSpans element). */
  encodeSpan(span: ZipkinSpan): Buffer {
    const bytes = SPAN.encode(toProto3Span(span)).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  encodeMessage(encodedSpans: readonly Buffer[]): Buffer {
    let size = this.messageOverheadBytes;
    for (const span of encodedSpans) size += this.sizeInMessage(span.length);
    const message = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const span of encodedSpans) {
      message[offset++] = SPANS_FIELD_KEY;
      offset = writeVarint(span.length, message, offset);
      offset += span.copy(message, offset);
    }
    return message;
  }

  /** Exact: field key, varint length, the span. */
  sizeInMessage(encodedSpanBytes: number): number {
    return 1 + varintSize(encodedSpanBytes) + encodedSpanBytes;
  }
}

/** Proto3 omits default values: empty strings, zeros, false and empty endpoints are left out. */
function toProto3Span(span: ZipkinSpan): Record<string, unknown> {
  const message: Record<string, unknown> = { traceId: hexIdToBytes(span.traceId) };
  if (span.parentId !== undefined) message.parentId = hexIdToBytes(span.parentId);
  message.id = hexIdToBytes(span.id);
  if (span.kind !== undefined) message.kind = KIND[span.kind];
  if (span.name) message.name = span.name;
  if (span.timestamp) message.timestamp = span.timestamp;
  if (span.duration) message.duration = span.duration;
  const localEndpoint = toProto3Endpoint(span.localEndpoint);
  if (localEndpoint !== undefined) message.localEndpoint = localEndpoint;
  const remoteEndpoint = toProto3Endpoint(span.remoteEndpoint);
  if (remoteEndpoint !== undefined) message.remoteEndpoint = remoteEndpoint;
  if (span.annotations !== undefined && span.annotations.length > 0) {
    // Only the model's keys. protobufjs leaves an empty value out (proto3 implicit presence).
    message.annotations = span.annotations.map(({ timestamp, value }) => ({ timestamp, value }));
  }
  if (span.tags !== undefined && Object.keys(span.tags).length > 0) message.tags = span.tags;
  if (span.debug === true) message.debug = true;
  if (span.shared === true) message.shared = true;
  return message;
}

function toProto3Endpoint(endpoint: ZipkinEndpoint | undefined): Record<string, unknown> | undefined {
  const wire = toWireEndpoint(endpoint);
  if (wire === undefined) return undefined;
  const message: Record<string, unknown> = {};
  if (wire.serviceName !== undefined) message.serviceName = wire.serviceName;
  if (wire.ipv4 !== undefined) message.ipv4 = ipv4ToBytes(wire.ipv4);
  if (wire.ipv6 !== undefined) message.ipv6 = ipv6ToBytes(wire.ipv6);
  if (wire.port !== undefined) message.port = wire.port;
  return message;
}
