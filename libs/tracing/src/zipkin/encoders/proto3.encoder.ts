/**
 * PROTO3: zipkin.proto Span messages; the message is a ListOfSpans (repeated field 1).
 *
 * Every value is written by protobufjs's Writer (strings, bytes, varints, fixed64: its byte layout is
 * its own, well-tested problem), field keys come from the embedded descriptor of zipkin.proto, and the
 * fields are written as the encoder protobufjs generates for that descriptor writes them: in field
 * order, default values left out. What is not done per span any more: building a message object (ids
 * as Buffers, endpoint objects) for SPAN.encode, a new Writer growing from 128 bytes, and encoding the
 * local endpoint, the same object on every span (its field bytes are kept and copied).
 * Framing the list (key 0x0a + varint length per span) is done here, with wire-ids.
 */
import { Root, Writer, type Type } from 'protobufjs/light';
import type { SpanBytesEncoder } from '../span-bytes-encoder';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from '../zipkin-span';
import { hexIdToSharedBytes, ipv4ToBytes, ipv6ToBytes, toWireEndpoint, varintSize, writeVarint } from './wire-ids';
import { ZIPKIN_PROTO3_DESCRIPTOR } from './zipkin-proto3-descriptor';

const ROOT = Root.fromJSON(ZIPKIN_PROTO3_DESCRIPTOR);
const SPAN = ROOT.lookupType('zipkin.proto3.Span');
const ENDPOINT = ROOT.lookupType('zipkin.proto3.Endpoint');
const ANNOTATION = ROOT.lookupType('zipkin.proto3.Annotation');

/** Protobuf wire type of each zipkin.proto field type (a map field is length-delimited). */
const WIRE_TYPES: Readonly<Record<string, number>> = { int32: 0, uint64: 0, bool: 0, Kind: 0, fixed64: 1, bytes: 2, string: 2, Endpoint: 2, Annotation: 2 };

/** The key of a field: its number and wire type, from the descriptor. */
function fieldKey(type: Type, name: string): number {
  const field = type.fields[name];
  const wireType = field.map ? 2 : WIRE_TYPES[field.type];
  if (wireType === undefined) throw new Error(`zipkin.proto ${type.name}.${name}: no wire type for ${field.type}`);
  return field.id * 8 + wireType;
}

const SPAN_KEY = {
  traceId: fieldKey(SPAN, 'traceId'), parentId: fieldKey(SPAN, 'parentId'), id: fieldKey(SPAN, 'id'), kind: fieldKey(SPAN, 'kind'),
  name: fieldKey(SPAN, 'name'), timestamp: fieldKey(SPAN, 'timestamp'), duration: fieldKey(SPAN, 'duration'),
  localEndpoint: fieldKey(SPAN, 'localEndpoint'), remoteEndpoint: fieldKey(SPAN, 'remoteEndpoint'),
  annotations: fieldKey(SPAN, 'annotations'), tags: fieldKey(SPAN, 'tags'), debug: fieldKey(SPAN, 'debug'), shared: fieldKey(SPAN, 'shared'),
};
const ENDPOINT_KEY = { serviceName: fieldKey(ENDPOINT, 'serviceName'), ipv4: fieldKey(ENDPOINT, 'ipv4'), ipv6: fieldKey(ENDPOINT, 'ipv6'), port: fieldKey(ENDPOINT, 'port') };
const ANNOTATION_KEY = { timestamp: fieldKey(ANNOTATION, 'timestamp'), value: fieldKey(ANNOTATION, 'value') };
/** A map entry is a message of `key` = 1 and `value` = 2, both strings here. */
const TAG_ENTRY_KEY = { key: 1 * 8 + 2, value: 2 * 8 + 2 };

/** zipkin.proto Span.Kind numbers. */
const KIND: Readonly<Record<ZipkinKind, number>> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };

/** ListOfSpans field 1, wire type 2 (length-delimited): (1 << 3) | 2. */
const SPANS_FIELD_KEY = 0x0a;

/** A scratch Writer grown past 1 MiB by one huge span is let go. */
const MAX_KEPT_BYTES = 1 << 20;

export class Proto3SpanBytesEncoder implements SpanBytesEncoder {
  readonly encoding = 'PROTO3';
  readonly contentType = 'application/x-protobuf';
  readonly path = '/api/v2/spans';
  /** A ListOfSpans is nothing but its repeated field: no bytes around the spans. */
  readonly messageOverheadBytes = 0;
  private writer = Writer.create();
  private localEndpoint?: ZipkinEndpoint;
  /** The localEndpoint field (key, length, Endpoint) of `localEndpoint`; empty when nothing of it is written. */
  private localEndpointField: Uint8Array = new Uint8Array(0);

  /** One bare Span message (not yet framed as a ListOfSpans element). */
  encodeSpan(span: ZipkinSpan): Buffer {
    const w = this.resetWriter();
    writeIds(w, span);
    if (span.kind !== undefined && KIND[span.kind] !== undefined) w.uint32(SPAN_KEY.kind).int32(KIND[span.kind]);
    if (span.name) w.uint32(SPAN_KEY.name).string(span.name);
    if (span.timestamp) w.uint32(SPAN_KEY.timestamp).fixed64(span.timestamp);
    if (span.duration) w.uint32(SPAN_KEY.duration).uint64(span.duration);
    if (span.localEndpoint !== undefined) w.raw(this.localEndpointFieldOf(span.localEndpoint));
    writeEndpointField(w, SPAN_KEY.remoteEndpoint, span.remoteEndpoint);
    if (span.annotations !== undefined) writeAnnotations(w, span.annotations);
    if (span.tags !== undefined) writeTags(w, span.tags);
    if (span.debug === true) w.uint32(SPAN_KEY.debug).bool(true);
    if (span.shared === true) w.uint32(SPAN_KEY.shared).bool(true);
    const bytes = w.finish();
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

  private resetWriter(): Writer {
    if (this.writer.buf.length > MAX_KEPT_BYTES) this.writer = Writer.create();
    // A span that threw half-way (an invalid id) may have left a fork open; an empty stack is kept as it is
    // (truncating it would drop its backing store, which the next fork allocates again).
    if (this.writer.states !== null && this.writer.states.length > 0) this.writer.states.length = 0;
    this.writer.pos = 0;
    return this.writer;
  }

  /** Keyed by identity: the span model is readonly, so one endpoint object always encodes the same. */
  private localEndpointFieldOf(endpoint: ZipkinEndpoint): Uint8Array {
    if (endpoint !== this.localEndpoint) {
      const w = Writer.create();
      writeEndpointField(w, SPAN_KEY.localEndpoint, endpoint);
      this.localEndpointField = w.finish();
      this.localEndpoint = endpoint;
    }
    return this.localEndpointField;
  }
}

/** Ids as bytes; an id that is not lower hex throws (the reporter drops the span as an encoding error). */
function writeIds(w: Writer, span: ZipkinSpan): void {
  w.uint32(SPAN_KEY.traceId).bytes(hexIdToSharedBytes(span.traceId));
  if (span.parentId !== undefined) w.uint32(SPAN_KEY.parentId).bytes(hexIdToSharedBytes(span.parentId));
  w.uint32(SPAN_KEY.id).bytes(hexIdToSharedBytes(span.id));
}

/** Proto3 leaves out default values: nothing at all for an endpoint with nothing valid in it. */
function writeEndpointField(w: Writer, key: number, endpoint: ZipkinEndpoint | undefined): void {
  const wire = toWireEndpoint(endpoint);
  if (wire === undefined) return;
  w.uint32(key).fork();
  if (wire.serviceName !== undefined) w.uint32(ENDPOINT_KEY.serviceName).string(wire.serviceName);
  const ipv4 = wire.ipv4 !== undefined ? ipv4ToBytes(wire.ipv4) : undefined;
  if (ipv4 !== undefined) w.uint32(ENDPOINT_KEY.ipv4).bytes(ipv4);
  const ipv6 = wire.ipv6 !== undefined ? ipv6ToBytes(wire.ipv6) : undefined;
  if (ipv6 !== undefined) w.uint32(ENDPOINT_KEY.ipv6).bytes(ipv6);
  if (wire.port !== undefined) w.uint32(ENDPOINT_KEY.port).int32(wire.port);
  w.ldelim();
}

/** Only the model's keys; a zero timestamp or an empty value is left out (proto3 implicit presence). */
function writeAnnotations(w: Writer, annotations: readonly ZipkinAnnotation[]): void {
  for (const { timestamp, value } of annotations) {
    w.uint32(SPAN_KEY.annotations).fork();
    if (timestamp != null && timestamp !== 0) w.uint32(ANNOTATION_KEY.timestamp).fixed64(timestamp);
    if (value != null && value !== '') w.uint32(ANNOTATION_KEY.value).string(value);
    w.ldelim();
  }
}

/** Map entries are written whole, an empty value included. */
function writeTags(w: Writer, tags: Readonly<Record<string, string>>): void {
  // Own keys in Object.keys order, without the array Object.keys allocates.
  for (const key in tags) {
    if (Object.hasOwn(tags, key)) w.uint32(SPAN_KEY.tags).fork().uint32(TAG_ENTRY_KEY.key).string(key).uint32(TAG_ENTRY_KEY.value).string(tags[key]).ldelim();
  }
}
