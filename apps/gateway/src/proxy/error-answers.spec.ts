import { ClientStalledError, UpstreamAbortedError, UpstreamTimeoutError, UpstreamTlsFileError, UpstreamUnavailableError } from '@app/upstream-client';
import { answerFor, errorBody, type ErrorAnswer } from './error-answers';
import {
  BadRequestHeadersError,
  BadRequestTargetError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  PipelineTooDeepError,
  RouteNotFoundError,
  UnsupportedTransferCodingError,
} from './proxy.errors';

const CLOSE = { connection: 'close' };

describe('error-answers', () => {
  describe(answerFor.name, () => {
    it.each<[string, unknown, ErrorAnswer | undefined]>([
      ['no route: 404', new RouteNotFoundError('/nope'), { status: 404, code: 'route_not_found' }],
      ['a refused method: 405 with Allow', new MethodNotAllowedError(['GET', 'POST']), { status: 405, code: 'method_not_allowed', headers: { allow: 'GET, POST' } }],
      ['a refused method with one allowed: 405 with Allow', new MethodNotAllowedError(['GET']), { status: 405, code: 'method_not_allowed', headers: { allow: 'GET' } }],
      ['a bad request target: 400', new BadRequestTargetError('the path climbs above the root'), { status: 400, code: 'bad_request_target' }],
      ['two Host headers: 400 and close', new BadRequestHeadersError('more than one Host header'), { status: 400, code: 'bad_request_headers', headers: CLOSE }],
      ['a transfer coding other than chunked: 400 and close', new UnsupportedTransferCodingError(), { status: 400, code: 'unsupported_transfer_coding', headers: CLOSE }],
      ['a body over the limit: 413 and close (the unread body would be read as the next request)', new PayloadTooLargeError(1024), { status: 413, code: 'payload_too_large', headers: CLOSE }],
      ['an upstream timeout: 504', new UpstreamTimeoutError('no response headers', 15000), { status: 504, code: 'upstream_timeout' }],
      ['an unavailable upstream: 502', new UpstreamUnavailableError('ECONNREFUSED'), { status: 502, code: 'upstream_unavailable' }],
      ['an unavailable upstream with a cause: 502', new UpstreamUnavailableError('ECONNRESET', { cause: new Error('socket hang up') }), { status: 502, code: 'upstream_unavailable' }],
      ['a client gone: nobody to answer', new UpstreamAbortedError(), undefined],
      ['a client that stopped reading: nobody to answer', new ClientStalledError(60000), undefined],
      ['a pipeline over the limit: nobody to answer', new PipelineTooDeepError(16), undefined],
      ['a TLS file error (a boot-time error): 500', new UpstreamTlsFileError('cannot read ca.pem'), { status: 500, code: 'internal_error' }],
      ['any other Error: 500', new TypeError('x is undefined'), { status: 500, code: 'internal_error' }],
      ['a thrown string: 500', 'boom', { status: 500, code: 'internal_error' }],
      ['a thrown undefined: 500', undefined, { status: 500, code: 'internal_error' }],
      ['a look-alike that is no RouteNotFoundError: 500', { name: 'RouteNotFoundError', message: 'no route' }, { status: 500, code: 'internal_error' }],
      ['a look-alike that is no UpstreamAbortedError: 500', Object.assign(new Error('aborted'), { name: 'UpstreamAbortedError' }), { status: 500, code: 'internal_error' }],
    ])('should answer %s', (_case, error, expected) => {
      expect(answerFor(error)).toEqual(expected);
    });
  });

  describe(errorBody.name, () => {
    it.each<[string, ErrorAnswer, unknown, string | undefined, object]>([
      ['a refusal, with its message', { status: 404, code: 'route_not_found' }, new RouteNotFoundError('/x'), undefined,
        { error: 'route_not_found', message: 'no route matches /x', requestId: 'req-1' }],
      ['an upstream failure, with the trace id', { status: 502, code: 'upstream_unavailable' }, new UpstreamUnavailableError('connection refused'), 'a'.repeat(32),
        { error: 'upstream_unavailable', message: 'upstream unavailable: connection refused', requestId: 'req-1', traceId: 'a'.repeat(32) }],
      ['an unexpected error, its message hidden', { status: 500, code: 'internal_error' }, new Error('secret detail'), undefined,
        { error: 'internal_error', message: 'internal error', requestId: 'req-1' }],
    ])('should write %s', (_case, answer, error, traceId, expected) => {
      expect(JSON.parse(errorBody(answer, error, 'req-1', traceId))).toEqual(expected);
    });
  });
});
