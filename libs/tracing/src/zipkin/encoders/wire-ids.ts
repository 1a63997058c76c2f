import type { ZipkinEndpoint } from '../zipkin-span';

/**
 * Wire-level helpers shared by the Zipkin encoders: ids, IP addresses, ports and integers as the
 * Thrift and proto3 codecs lay them out. Every encoder goes through these, so an invalid address is
 * dropped the same way in all four encodings (as zipkin2.Endpoint.parseIp does).
 */

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const TWO_POW_32 = 4294967296;

/** The two 64-bit halves of a trace id, each 16 lower-hex; `high` absent for a 64-bit id. */
export interface TraceIdHalves {
  readonly high?: string;
  readonly low: string;
}

/**
 * Splits a 16- or 32-hex trace id. An all-zero high half counts as absent: zipkinCore.thrift's
 * `trace_id_high` is optional and 0 means "64-bit trace" (Zipkin's V1 writers skip it).
 */
export function splitTraceId(traceId: string): TraceIdHalves {
  if (traceId.length !== 32) return { low: traceId };
  const high = traceId.slice(0, 16);
  const low = traceId.slice(16);
  return high === '0000000000000000' ? { low } : { high, low };
}

/** Writes a 16-lower-hex id as 8 big-endian bytes: exactly the Thrift signed i64 of that value. */
export function writeHexI64(hex: string, target: Buffer, offset: number): number {
  if (hex.length !== 16 || !writeLowerHex(hex, target, offset)) throw new RangeError(`Not a 16 lower-hex Zipkin id: "${hex}"`);
  return offset + 8;
}

const SHARED_ID_64 = Buffer.alloc(8);
const SHARED_ID_128 = Buffer.alloc(16);

/**
 * Bytes of a 16- or 32-lower-hex id, big-endian (proto3 `bytes`), in one of two buffers shared by every
 * call and valid until the next call: for a writer that copies the bytes at once (no Buffer per id).
 */
export function hexIdToSharedBytes(hex: string): Buffer {
  const bytes = hex.length === 16 ? SHARED_ID_64 : SHARED_ID_128;
  if ((hex.length !== 16 && hex.length !== 32) || !writeLowerHex(hex, bytes, 0)) {
    throw new RangeError(`Not a 16 or 32 lower-hex Zipkin id: "${hex}"`);
  }
  return bytes;
}

/**
 * Writes the bytes of an even-length lower-hex string; false (having written part of it) at any other
 * character. A char-code loop: ids are written for every span, and a regex test plus Buffer#write cost
 * more than the 16 or 32 characters themselves.
 */
function writeLowerHex(hex: string, target: Buffer, offset: number): boolean {
  for (let i = 0; i < hex.length; i += 2) {
    const high = hexDigit(hex.charCodeAt(i));
    const low = hexDigit(hex.charCodeAt(i + 1));
    if (high < 0 || low < 0) return false;
    target[offset + i / 2] = high * 16 + low;
  }
  return true;
}

/** 0..15 for 0-9 and a-f; -1 for anything else (upper case included, as Zipkin ids are lower hex). */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Dotted quad as the signed i32 Thrift's Endpoint.ipv4 carries; undefined when not a strict quad.
 * Leading zeros are rejected: ambiguous (octal to some parsers) and refused by the OpenAPI ipv4 format.
 * A char-code loop: this runs for every endpoint of every span.
 */
export function ipv4ToInt32(ip: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = (value << 8) | octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  return dots === 3 && digits > 0 ? (value << 8) | octet : undefined;
}

/** The 4 network-order bytes of a dotted quad (proto3 Endpoint.ipv4), or undefined. */
export function ipv4ToBytes(ip: string): Buffer | undefined {
  const value = ipv4ToInt32(ip);
  if (value === undefined) return undefined;
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
}

/** The 16 network-order bytes of an IPv6 text form (`::`, embedded dotted quad), or undefined. */
export function ipv6ToBytes(ip: string): Buffer | undefined {
  const groups = ipv6Groups(ip);
  if (groups === undefined) return undefined;
  const bytes = Buffer.allocUnsafe(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

function ipv6Groups(ip: string): number[] | undefined {
  if (ip.length < 2 || ip.length > 45) return undefined;
  let text = ip;
  let v4Tail: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (text.includes('.', lastColon)) {
    v4Tail = ipv4ToInt32(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const gap = text.indexOf('::');
  if (gap !== text.lastIndexOf('::')) return undefined;
  const head = splitGroups(gap < 0 ? text : text.slice(0, gap));
  const tail = splitGroups(gap < 0 ? '' : text.slice(gap + 2));
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (gap < 0 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  if (v4Tail !== undefined) {
    groups[6] = v4Tail >>> 16;
    groups[7] = v4Tail & 0xffff;
  }
  return groups;
}

function splitGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  return groups.every((g) => HEX_GROUP.test(g)) ? groups.map((g) => parseInt(g, 16)) : undefined;
}

/** V2 forbids port 0; Thrift and proto carry 1..65535 only. */
export function isValidPort(port: number | undefined): port is number {
  return port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535;
}

/**
 * The endpoint every encoding writes: empty service name dropped, addresses that do not parse
 * dropped, port kept only when 1..65535; undefined when nothing is left (Zipkin's EMPTY_ENDPOINT).
 */
export function toWireEndpoint(endpoint: ZipkinEndpoint | undefined): ZipkinEndpoint | undefined {
  if (endpoint === undefined) return undefined;
  const serviceName = endpoint.serviceName ? endpoint.serviceName : undefined;
  const ipv4 = endpoint.ipv4 !== undefined && ipv4ToInt32(endpoint.ipv4) !== undefined ? endpoint.ipv4 : undefined;
  const ipv6 = endpoint.ipv6 !== undefined && ipv6Groups(endpoint.ipv6) !== undefined ? endpoint.ipv6 : undefined;
  const port = isValidPort(endpoint.port) ? endpoint.port : undefined;
  if (serviceName === undefined && ipv4 === undefined && ipv6 === undefined && port === undefined) return undefined;
  return { serviceName, ipv4, ipv6, port };
}

/** Bytes of a non-negative integer as a protobuf base-128 varint. */
export function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 128; rest = Math.floor(rest / 128)) size++;
  return size;
}

/** Writes a non-negative safe integer as a varint; returns the offset after it. */
export function writeVarint(value: number, target: Buffer, offset: number): number {
  let rest = value;
  let pos = offset;
  while (rest >= 128) {
    target[pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  target[pos++] = rest;
  return pos;
}

/** Writes a safe integer as a big-endian two's-complement i64 (Thrift timestamps, durations). */
export function writeInt64BE(value: number, target: Buffer, offset: number): number {
  target.writeInt32BE(Math.floor(value / TWO_POW_32), offset);
  target.writeUInt32BE(value >>> 0, offset + 4);
  return offset + 8;
}
