import { writeHexI64, writeInt64BE } from './wire-ids';
import { ScratchBuffer } from './scratch-buffer';

/** TBinaryProtocol type ids. */
export const T_STOP = 0;
export const T_BOOL = 2;
export const T_I16 = 6;
export const T_I32 = 8;
export const T_I64 = 10;
export const T_STRING = 11;
export const T_STRUCT = 12;
export const T_LIST = 15;


/**
 * TBinaryProtocol primitives (big-endian, field = type byte + i16 id, string = i32 length + bytes)
 * written into one growing scratch buffer; `finish` copies the bytes out. Not reentrant: one span at
 * a time, synchronously.
 */
export class ThriftBinaryWriter extends ScratchBuffer {
  field(type: number, id: number): void {
    this.ensure(3);
    this.buf[this.pos] = type;
    this.pos = this.buf.writeInt16BE(id, this.pos + 1);
  }

  listBegin(elementType: number, count: number): void {
    this.byte(elementType);
    this.i32(count);
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Two bytes; a value above 32767 reads back negative as an i16 (Zipkin takes ports unsigned). */
  u16(value: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(value, this.pos);
  }

  i32(value: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(value, this.pos);
  }

  i64(value: number): void {
    this.ensure(8);
    this.pos = writeInt64BE(value, this.buf, this.pos);
  }

  /** A 16-hex id as the signed i64 of its value: its 8 bytes, as they are. */
  hexI64(hex: string): void {
    this.ensure(8);
    this.pos = writeHexI64(hex, this.buf, this.pos);
  }

  /** i32 byte length + UTF-8; a UTF-16 unit never takes more than 3 UTF-8 bytes. */
  string(value: string): void {
    this.ensure(4 + value.length * 3);
    const start = this.pos + 4;
    const length = asciiWrite(value, this.buf, start) ?? this.buf.write(value, start, 'utf8');
    this.buf.writeInt32BE(length, this.pos);
    this.pos = start + length;
  }

  binary(value: Uint8Array): void {
    this.i32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }
}

/**
 * Short ASCII strings (names, keys, "sr") copied char by char: ~35% faster spans than Buffer#write,
 * whose call overhead dominates for them. Undefined (having written garbage) on a non-ASCII char.
 */
function asciiWrite(value: string, target: Buffer, offset: number): number | undefined {
  if (value.length > 64) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return undefined;
    target[offset + i] = c;
  }
  return value.length;
}
