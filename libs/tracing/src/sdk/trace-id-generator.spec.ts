import { randomBytes } from 'node:crypto';
import { GatewayIdGenerator } from './trace-id-generator';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, randomBytes: jest.fn((size: number) => actual.randomBytes(size)) };
});

const randomBytesMock = randomBytes as unknown as jest.Mock<Buffer, [number]>;
const POOL_SIZE = 4096;

/** A pool whose bytes are 01 02 03 … (never 00), so every drawn id can be written down. */
const SEQUENCE_POOL = Buffer.from(Array.from({ length: POOL_SIZE }, (_, i) => (i % 255) + 1));
const poolStartingWith = (...bytes: number[]): Buffer => Buffer.concat([Buffer.from(bytes), SEQUENCE_POOL.subarray(bytes.length)]);

describe(GatewayIdGenerator.name, () => {
  beforeEach(() => randomBytesMock.mockClear());

  describe('generateTraceId', () => {
    it.each<[64 | 128, RegExp]>([
      [64, /^0{16}[0-9a-f]{16}$/],
      [128, /^[0-9a-f]{32}$/],
    ])('should write a %i-bit id as 32 lower-hex OpenTelemetry characters', (bits, shape) => {
      const sut = new GatewayIdGenerator(bits);
      const ids = Array.from({ length: 2000 }, () => sut.generateTraceId());
      expect(ids.filter((id) => !shape.test(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each<[64 | 128, string]>([
      [64, '00000000000000000102030405060708'],
      // The low half is drawn first, then the high half.
      [128, '090a0b0c0d0e0f100102030405060708'],
    ])('should take a %i-bit id from the pooled bytes', (bits, expected) => {
      randomBytesMock.mockReturnValueOnce(SEQUENCE_POOL);
      expect(new GatewayIdGenerator(bits).generateTraceId()).toBe(expected);
    });

    it('should redraw an all-zero low half (a 64-bit id must never be all zero)', () => {
      randomBytesMock.mockReturnValueOnce(poolStartingWith(0, 0, 0, 0, 0, 0, 0, 0));
      expect(new GatewayIdGenerator(64).generateTraceId()).toBe('0000000000000000090a0b0c0d0e0f10');
    });

    it('should redraw an all-zero high half (it would make a 128-bit id read as a 64-bit one)', () => {
      randomBytesMock.mockReturnValueOnce(poolStartingWith(1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0));
      expect(new GatewayIdGenerator(128).generateTraceId()).toBe('11121314151617180102030405060708');
    });

    it('should call randomBytes once per 256 ids of 128 bits', () => {
      const sut = new GatewayIdGenerator(128);
      for (let i = 0; i < 256; i += 1) sut.generateTraceId();
      expect(randomBytesMock.mock.calls).toEqual([[POOL_SIZE]]);
      sut.generateTraceId();
      expect(randomBytesMock.mock.calls).toEqual([[POOL_SIZE], [POOL_SIZE]]);
    });
  });

  describe('generateSpanId', () => {
    it('should write 16 lower-hex characters, never all zero, never repeated', () => {
      const sut = new GatewayIdGenerator(128);
      const ids = Array.from({ length: 2000 }, () => sut.generateSpanId());
      expect(ids.filter((id) => !/^[0-9a-f]{16}$/.test(id) || /^0+$/.test(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each<[string, Buffer[], string]>([
      ['the first 8 bytes of the pool', [SEQUENCE_POOL], '0102030405060708'],
      ['an id with leading zero bytes as drawn', [poolStartingWith(0, 0, 0, 0, 0, 0, 0, 1)], '0000000000000001'],
      ['the next pool when a whole pool draws zeros', [Buffer.alloc(POOL_SIZE), SEQUENCE_POOL], '0102030405060708'],
    ])('should take %s', (_case, pools, expected) => {
      for (const pool of pools) randomBytesMock.mockReturnValueOnce(pool);
      expect(new GatewayIdGenerator(64).generateSpanId()).toBe(expected);
    });
  });
});
