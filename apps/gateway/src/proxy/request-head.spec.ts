import { checkRequestHead, expectsContinue } from './request-head';
import { BadRequestHeadersError, PayloadTooLargeError, UnsupportedTransferCodingError } from './proxy.errors';

const HOST = ['Host', 'gateway.example'];

describe('request-head', () => {
  describe(checkRequestHead.name, () => {
    it.each<[string, string[], number]>([
      ['a plain GET', [...HOST], 0],
      ['a body within the limit', [...HOST, 'Content-Length', '1024'], 1024],
      ['any body when there is no limit', [...HOST, 'Content-Length', '99999999999'], 0],
      ['a single chunked coding', [...HOST, 'Transfer-Encoding', 'chunked'], 10],
      ['chunked in any case, with spaces', [...HOST, 'transfer-encoding', ' Chunked '], 10],
      ['no Host at all (HTTP/1.0)', [], 0],
    ])('should accept %s', (_case, rawHeaders, limit) => {
      expect(() => checkRequestHead(rawHeaders, limit)).not.toThrow();
    });

    it.each<[string, string[], number, Error]>([
      ['two Host headers', [...HOST, 'host', 'evil.example'], 0, new BadRequestHeadersError('more than one Host header')],
      ['gzip before chunked (Node accepts it)', [...HOST, 'Transfer-Encoding', 'gzip, chunked'], 0, new UnsupportedTransferCodingError()],
      ['chunked sent twice', [...HOST, 'Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked'], 0, new UnsupportedTransferCodingError()],
      ['a Content-Length over the limit', [...HOST, 'Content-Length', '1025'], 1024, new PayloadTooLargeError(1024)],
    ])('should refuse %s', (_case, rawHeaders, limit, expected) => {
      expect(() => checkRequestHead(rawHeaders, limit)).toThrow(expected);
      let thrown: unknown;
      try {
        checkRequestHead(rawHeaders, limit);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(expected.constructor);
    });
  });

  describe(expectsContinue.name, () => {
    it.each<[string[], boolean]>([
      [['Expect', '100-continue'], true],
      [['expect', '100-Continue '], true],
      [['Expect', 'something-else'], false],
      [[], false],
    ])('should read %j as %s', (rawHeaders, expected) => {
      expect(expectsContinue(rawHeaders)).toBe(expected);
    });
  });
});
