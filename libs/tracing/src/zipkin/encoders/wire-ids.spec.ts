import fc from 'fast-check';
import { Writer } from 'protobufjs';
import type { ZipkinEndpoint } from '../zipkin-span';
import {
  hexIdToSharedBytes, ipv4ToBytes, ipv4ToInt32, ipv6ToBytes, isValidPort, splitTraceId, toWireEndpoint,
  varintSize, writeHexI64, writeInt64BE, writeVarint,
} from './wire-ids';

describe('wire-ids', () => {
  describe(splitTraceId.name, () => {
    it.each([
      ['6b221d5bc9e6496c', { low: '6b221d5bc9e6496c' }],
      ['5af7183fb1d4cf5f6b221d5bc9e6496c', { high: '5af7183fb1d4cf5f', low: '6b221d5bc9e6496c' }],
      ['00000000000000006b221d5bc9e6496c', { low: '6b221d5bc9e6496c' }],
    ])('should split %s', (traceId, expected) => {
      expect(splitTraceId(traceId)).toEqual(expected);
    });
  });

  describe(writeHexI64.name, () => {
    it('should write the 8 big-endian bytes that are the signed i64 of the id', () => {
      fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (value) => {
        const hex = value.toString(16).padStart(16, '0');
        const expected = Buffer.alloc(8);
        expected.writeBigInt64BE(BigInt.asIntN(64, value));
        const target = Buffer.alloc(10);
        expect(writeHexI64(hex, target, 1)).toBe(9);
        expect(target.subarray(1, 9)).toEqual(expected);
      }));
    });

    it.each(['', '1', 'FFFFFFFFFFFFFFFF', 'gggggggggggggggg', '5af7183fb1d4cf5f6b221d5bc9e6496c'])(
      'should reject "%s" (not 16 lower-hex)',
      (hex) => {
        expect(() => writeHexI64(hex, Buffer.alloc(8), 0)).toThrow(RangeError);
      },
    );
  });

  describe(hexIdToSharedBytes.name, () => {
    it.each([
      ['6b221d5bc9e6496c', '6b221d5bc9e6496c'],
      ['5af7183fb1d4cf5f6b221d5bc9e6496c', '5af7183fb1d4cf5f6b221d5bc9e6496c'],
    ])('should give the bytes of %s', (hex, expected) => {
      expect(hexIdToSharedBytes(hex).toString('hex')).toBe(expected);
    });

    it.each(['', '6b221d5bc9e6496', '6B221D5BC9E6496C', '6b221d5bc9e6496c00', 'zzzzzzzzzzzzzzzz'])('should reject "%s"', (hex) => {
      expect(() => hexIdToSharedBytes(hex)).toThrow(RangeError);
    });
  });

  describe(ipv4ToInt32.name, () => {
    it.each<[string, number | undefined]>([
      ['10.0.0.1', 0x0a000001],
      ['0.0.0.0', 0],
      ['127.0.0.1', 0x7f000001],
      ['192.168.0.1', 0xc0a80001 - 2 ** 32],
      ['255.255.255.255', -1],
      ['256.0.0.1', undefined],
      ['10.0.0', undefined],
      ['10.0.0.1.2', undefined],
      ['010.0.0.1', undefined],
      ['10.0.0.-1', undefined],
      [' 10.0.0.1', undefined],
      ['1e1.0.0.1', undefined],
      ['', undefined],
      ['::1', undefined],
    ])('should read %s as %s', (ip, expected) => {
      expect(ipv4ToInt32(ip)).toBe(expected);
    });

    it('should read any dotted quad as the big-endian i32 of its 4 bytes', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
        expect(ipv4ToInt32(bytes.join('.'))).toBe(Buffer.from(bytes).readInt32BE(0));
      }));
    });

    it('should give the 4 network-order bytes', () => {
      expect(ipv4ToBytes('172.19.0.2')?.toString('hex')).toBe('ac130002');
    });
  });

  describe(ipv6ToBytes.name, () => {
    it.each<[string, string | undefined]>([
      ['::', '00000000000000000000000000000000'],
      ['::1', '00000000000000000000000000000001'],
      ['1::', '00010000000000000000000000000000'],
      ['2001:db8::c001', '20010db800000000000000000000c001'],
      ['2001:DB8:0:0:8:800:200C:417A', '20010db80000000000080800200c417a'],
      ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
      ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
      ['64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'],
      ['', undefined],
      ['1.2.3.4', undefined],
      [':::', undefined],
      ['1::2::3', undefined],
      ['1:2:3:4:5:6:7:8:9', undefined],
      ['1:2:3:4:5:6:7', undefined],
      ['1:2:3:4:5:6:7:8::', undefined],
      ['12345::', undefined],
      ['g::1', undefined],
      ['fe80::1%eth0', undefined],
      ['::ffff:10.0.0', undefined],
      [':1::', undefined],
    ])('should read %s', (ip, expected) => {
      expect(ipv6ToBytes(ip)?.toString('hex')).toBe(expected);
    });

    it('should read any address in its full and WHATWG-compressed text forms', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const full = Buffer.from(bytes).toString('hex').match(/.{4}/g)?.join(':') ?? '';
        const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(ipv6ToBytes(full)).toEqual(Buffer.from(bytes));
        expect(ipv6ToBytes(compressed)).toEqual(Buffer.from(bytes));
      }));
    });
  });

  describe(isValidPort.name, () => {
    it.each<[number | undefined, boolean]>([
      [1, true], [8080, true], [65535, true], [0, false], [65536, false], [-1, false], [80.5, false], [undefined, false],
    ])('should take %s as %s', (port, expected) => {
      expect(isValidPort(port)).toBe(expected);
    });
  });

  describe(toWireEndpoint.name, () => {
    it.each<[string, ZipkinEndpoint | undefined, ZipkinEndpoint | undefined]>([
      ['absent', undefined, undefined],
      ['complete', { serviceName: 'gw', ipv4: '10.0.0.1', ipv6: '::1', port: 80 }, { serviceName: 'gw', ipv4: '10.0.0.1', ipv6: '::1', port: 80 }],
      ['only empty or invalid values', { serviceName: '', ipv4: '10.0.0.300', ipv6: 'nope', port: 0 }, undefined],
      ['partly valid', { serviceName: '', ipv4: '10.0.0.1', port: 70000 }, { ipv4: '10.0.0.1' }],
      ['extra keys dropped', { serviceName: 'a', extra: true } as ZipkinEndpoint, { serviceName: 'a' }],
    ])('should keep what every encoding can carry: %s', (_case, endpoint, expected) => {
      expect(toWireEndpoint(endpoint)).toEqual(expected);
    });
  });

  describe(writeVarint.name, () => {
    it.each([
      [0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [16384, '808001'],
      [2 ** 32, '8080808010'], [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
    ])('should write %s as %s', (value, hex) => {
      const target = Buffer.alloc(10);
      const end = writeVarint(value, target, 0);
      expect(target.subarray(0, end).toString('hex')).toBe(hex);
      expect(varintSize(value)).toBe(end);
    });

    it('should write what protobufjs writes for a uint64', () => {
      fc.assert(fc.property(fc.maxSafeNat(), (value) => {
        const target = Buffer.alloc(10);
        const end = writeVarint(value, target, 0);
        expect(target.subarray(0, end)).toEqual(Buffer.from(Writer.create().uint64(value).finish()));
      }));
    });
  });

  describe(writeInt64BE.name, () => {
    it('should write a safe integer as Buffer#writeBigInt64BE does', () => {
      fc.assert(fc.property(fc.maxSafeInteger(), (value) => {
        const expected = Buffer.alloc(8);
        expected.writeBigInt64BE(BigInt(value));
        const target = Buffer.alloc(8);
        expect(writeInt64BE(value, target, 0)).toBe(8);
        expect(target).toEqual(expected);
      }));
    });
  });
});
