import { loadSync } from 'protobufjs';
import type { TProtocol } from 'thrift';
import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import { zipkinApiFile } from './zipkin-api-files';

/**
 * Decoders nobody here wrote, for proving our encoders (and, in e2e tests, what the stand-in collector
 * receives): Thrift through the `thrift` package's TBinaryProtocol reader walking field ids and types
 * as zipkinCore.thrift declares them; proto3 through protobufjs loading the published zipkin.proto.
 */

/** zipkinCore.thrift Endpoint as on the wire: ipv4 a signed i32, port a signed i16. */
export interface DecodedThriftEndpoint {
  ipv4: number;
  port: number;
  service_name: string;
  ipv6?: Buffer;
}

export interface DecodedThriftAnnotation {
  timestamp: bigint;
  value: string;
  host?: DecodedThriftEndpoint;
}

export interface DecodedThriftBinaryAnnotation {
  key: string;
  value: Buffer;
  annotation_type: number;
  host?: DecodedThriftEndpoint;
}

/** zipkinCore.thrift Span; i64 fields as signed bigint, exactly as the wire carries them. */
export interface DecodedThriftSpan {
  trace_id: bigint;
  name: string;
  id: bigint;
  parent_id?: bigint;
  annotations: DecodedThriftAnnotation[];
  binary_annotations: DecodedThriftBinaryAnnotation[];
  debug?: boolean;
  timestamp?: bigint;
  duration?: bigint;
  trace_id_high?: bigint;
}

type Read = (protocol: TProtocol) => unknown;
interface FieldSpec {
  readonly name: string;
  readonly type: Thrift.Type;
  readonly read: Read;
}
type StructSpec = Readonly<Record<number, FieldSpec>>;

const { Type } = Thrift;
const i64: Read = (p) => BigInt.asIntN(64, BigInt(`0x${p.readI64().toOctetString()}`));
const struct = (spec: StructSpec): Read => (p) => readStruct(p, spec);
const listOf = (spec: StructSpec): Read => (p) => readStructList(p, spec);

// Field ids and types from third_party/zipkin-api/zipkinCore.thrift.
const ENDPOINT: StructSpec = {
  1: { name: 'ipv4', type: Type.I32, read: (p) => p.readI32() },
  2: { name: 'port', type: Type.I16, read: (p) => p.readI16() },
  3: { name: 'service_name', type: Type.STRING, read: (p) => p.readString() },
  4: { name: 'ipv6', type: Type.STRING, read: (p) => p.readBinary() },
};
const ANNOTATION: StructSpec = {
  1: { name: 'timestamp', type: Type.I64, read: i64 },
  2: { name: 'value', type: Type.STRING, read: (p) => p.readString() },
  3: { name: 'host', type: Type.STRUCT, read: struct(ENDPOINT) },
};
const BINARY_ANNOTATION: StructSpec = {
  1: { name: 'key', type: Type.STRING, read: (p) => p.readString() },
  2: { name: 'value', type: Type.STRING, read: (p) => p.readBinary() },
  3: { name: 'annotation_type', type: Type.I32, read: (p) => p.readI32() },
  4: { name: 'host', type: Type.STRUCT, read: struct(ENDPOINT) },
};
const SPAN: StructSpec = {
  1: { name: 'trace_id', type: Type.I64, read: i64 },
  3: { name: 'name', type: Type.STRING, read: (p) => p.readString() },
  4: { name: 'id', type: Type.I64, read: i64 },
  5: { name: 'parent_id', type: Type.I64, read: i64 },
  6: { name: 'annotations', type: Type.LIST, read: listOf(ANNOTATION) },
  8: { name: 'binary_annotations', type: Type.LIST, read: listOf(BINARY_ANNOTATION) },
  9: { name: 'debug', type: Type.BOOL, read: (p) => p.readBool() },
  10: { name: 'timestamp', type: Type.I64, read: i64 },
  11: { name: 'duration', type: Type.I64, read: i64 },
  12: { name: 'trace_id_high', type: Type.I64, read: i64 },
};

/** Decodes a V1 Thrift message body (a TBinaryProtocol list of Span structs); throws on any surprise. */
export function decodeThriftSpans(body: Buffer): DecodedThriftSpan[] {
  let transport: TBufferedTransport | undefined;
  TBufferedTransport.receiver((received) => (transport = received), 0)(body);
  if (transport === undefined) throw new Error('thrift transport did not receive the body');
  const protocol = new TBinaryProtocol(transport);
  const spans = readStructList(protocol, SPAN) as unknown as DecodedThriftSpan[];
  if (hasMoreBytes(transport)) throw new Error('trailing bytes after the span list');
  return spans;
}

function readStructList(protocol: TProtocol, spec: StructSpec): Record<string, unknown>[] {
  const { etype, size } = protocol.readListBegin();
  if (etype !== Type.STRUCT) throw new Error(`list of type ${etype}, zipkinCore.thrift says STRUCT`);
  const items = Array.from({ length: size }, () => readStruct(protocol, spec));
  protocol.readListEnd();
  return items;
}

function readStruct(protocol: TProtocol, spec: StructSpec): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  protocol.readStructBegin();
  for (;;) {
    const { ftype, fid } = protocol.readFieldBegin();
    if (ftype === Type.STOP) break;
    const field = spec[fid];
    if (field === undefined) throw new Error(`field id ${fid} (type ${ftype}) is not in zipkinCore.thrift`);
    if (field.type !== ftype) throw new Error(`field ${field.name} has type ${ftype}, zipkinCore.thrift says ${field.type}`);
    if (field.name in result) throw new Error(`field ${field.name} written twice`);
    result[field.name] = field.read(protocol);
    protocol.readFieldEnd();
  }
  protocol.readStructEnd();
  return result;
}

function hasMoreBytes(transport: TBufferedTransport): boolean {
  try {
    transport.readByte();
    return true;
  } catch {
    return false;
  }
}

/** zipkin.proto Endpoint with `bytes` as lower hex. */
export interface DecodedProto3Endpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/** zipkin.proto Span, fields absent when proto3 defaults; `bytes` as lower hex, enums by name. */
export interface DecodedProto3Span {
  traceId: string;
  parentId?: string;
  id: string;
  kind?: string;
  name?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: DecodedProto3Endpoint;
  remoteEndpoint?: DecodedProto3Endpoint;
  /** `value` absent when empty: the proto3 default is not on the wire. */
  annotations?: { timestamp: number; value?: string }[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

type ProtoType = ReturnType<ReturnType<typeof loadSync>['lookupType']>;
type ProtoObject = Record<string, unknown>;
let listOfSpans: ProtoType | undefined;

/** Decodes a V2 proto3 message body (zipkin.proto ListOfSpans). */
export function decodeProto3Spans(body: Uint8Array): DecodedProto3Span[] {
  listOfSpans ??= loadSync(zipkinApiFile('zipkin.proto')).lookupType('zipkin.proto3.ListOfSpans');
  const decoded: { spans?: ProtoObject[] } = listOfSpans.toObject(listOfSpans.decode(body), {
    longs: Number,
    enums: String,
    bytes: String,
  });
  return (decoded.spans ?? []).map((span) => {
    const result: ProtoObject = { ...span, ...hexFields(span, ['traceId', 'parentId', 'id']) };
    for (const key of ['localEndpoint', 'remoteEndpoint']) {
      const endpoint = span[key] as ProtoObject | undefined;
      if (endpoint !== undefined) result[key] = { ...endpoint, ...hexFields(endpoint, ['ipv4', 'ipv6']) };
    }
    return result as unknown as DecodedProto3Span;
  });
}

/** protobufjs renders `bytes` as base64 (option bytes: String); ids and addresses read better as hex. */
function hexFields(object: ProtoObject, keys: readonly string[]): ProtoObject {
  const result: ProtoObject = {};
  for (const key of keys) {
    const value = object[key];
    if (typeof value === 'string') result[key] = Buffer.from(value, 'base64').toString('hex');
  }
  return result;
}
