import type { ZipkinEndpoint } from '../zipkin-span';
import { ScratchBuffer } from './scratch-buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * JSON written straight into one growing scratch buffer; `finish` copies the span's bytes out. Measured
 * against building a string (JSON.stringify per value, `+=`) and Buffer.from: that allocated ~3 KB of
 * strings per gateway span (cons strings, the flattened copy) for ~500 bytes of output. Strings are
 * escaped exactly as JSON.stringify escapes them: plain printable ASCII is copied char by char, anything
 * else goes through JSON.stringify itself. Not reentrant: one span at a time, synchronously.
 */
export class JsonWriter extends ScratchBuffer {
  /** Text written as it is, not quoted nor escaped: keys with their quotes, punctuation, enum names. */
  raw(text: string): void {
    this.ensure(text.length);
    const start = this.pos;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        this.pos = start;
        return this.utf8(text);
      }
      this.buf[this.pos++] = c;
    }
  }

  /** A quoted JSON string, escaped as JSON.stringify escapes it. */
  string(value: string): void {
    // Outside the model's types: written as a template literal of JSON.stringify would write it.
    if (typeof value !== 'string') return this.utf8(`${JSON.stringify(value)}`);
    const start = this.pos;
    this.ensure(value.length + 2);
    this.buf[this.pos++] = QUOTE;
    if (!this.plain(value)) {
      this.pos = start;
      return this.utf8(JSON.stringify(value));
    }
    this.buf[this.pos++] = QUOTE;
  }

  /** `string(head + tail)` without building that string (a V1 128-bit trace id from its two halves). */
  joinedString(head: string, tail: string): void {
    const start = this.pos;
    this.ensure(head.length + tail.length + 2);
    this.buf[this.pos++] = QUOTE;
    if (!this.plain(head) || !this.plain(tail)) {
      this.pos = start;
      return this.string(head + tail);
    }
    this.buf[this.pos++] = QUOTE;
  }

  /** A number as `${value}` writes it; digits written directly for a non-negative safe integer. */
  number(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) return this.raw(String(value));
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.ensure(digits);
    let rest = value;
    for (let i = this.pos + digits - 1; i >= this.pos; i--) {
      const next = Math.floor(rest / 10);
      this.buf[i] = 0x30 + (rest - next * 10);
      rest = next;
    }
    this.pos += digits;
  }

  /** Copies printable ASCII other than `"` and `\\`, which JSON.stringify leaves as they are; false at any other char. */
  private plain(value: string): boolean {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c > 0x7f || c === QUOTE || c === BACKSLASH) return false;
      this.buf[this.pos++] = c;
    }
    return true;
  }

  private utf8(text: string): void {
    this.ensure(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }
}

/** `{"serviceName":…,"ipv4":…,"ipv6":…,"port":…}` with the fields present, in Zipkin's order. */
export function writeEndpoint(w: JsonWriter, endpoint: ZipkinEndpoint): void {
  let first = true;
  if (endpoint.serviceName !== undefined) {
    w.raw('{"serviceName":');
    w.string(endpoint.serviceName);
    first = false;
  }
  if (endpoint.ipv4 !== undefined) {
    w.raw(first ? '{"ipv4":' : ',"ipv4":');
    w.string(endpoint.ipv4);
    first = false;
  }
  if (endpoint.ipv6 !== undefined) {
    w.raw(first ? '{"ipv6":' : ',"ipv6":');
    w.string(endpoint.ipv6);
    first = false;
  }
  if (endpoint.port !== undefined) {
    w.raw(first ? '{"port":' : ',"port":');
    w.number(endpoint.port);
    first = false;
  }
  w.raw(first ? '{}' : '}');
}

/** `[` and `]`. */
export const JSON_LIST_OVERHEAD_BYTES = 2;

/**
 * A span plus the comma that joins it to the next one. The first span of a message has no comma,
 * so `JSON_LIST_OVERHEAD_BYTES + Σ jsonSizeInList(n)` is an upper bound, one byte over the real
 * size for a non-empty list (exact for an empty one), as zipkin-reporter's JSON message encoder.
 */
export function jsonSizeInList(encodedSpanBytes: number): number {
  return encodedSpanBytes + 1;
}

/** A JSON array of already-encoded JSON values. */
export function encodeJsonList(encodedSpans: readonly Buffer[]): Buffer {
  let size = JSON_LIST_OVERHEAD_BYTES + Math.max(encodedSpans.length - 1, 0);
  for (const span of encodedSpans) size += span.length;
  const message = Buffer.allocUnsafe(size);
  let offset = 0;
  message[offset++] = 0x5b; // [
  encodedSpans.forEach((span, i) => {
    if (i > 0) message[offset++] = 0x2c; // ,
    offset += span.copy(message, offset);
  });
  message[offset] = 0x5d; // ]
  return message;
}
