import { UpstreamAbortedError, UpstreamTimeoutError, UpstreamTlsFileError, UpstreamUnavailableError } from '@app/upstream-client';
import { answerFor } from './proxy-exception.filter';
import { BadRequestTargetError, MethodNotAllowedError, PayloadTooLargeError, RouteNotFoundError } from './proxy.errors';

describe(answerFor.name, () => {
  it.each<[string, unknown, ReturnType<typeof answerFor>]>([
    ['no route: 404', new RouteNotFoundError('/nope'), { status: 404, code: 'route_not_found' }],
    ['a refused method: 405 with Allow', new MethodNotAllowedError(['GET', 'POST']), { status: 405, code: 'method_not_allowed', headers: { allow: 'GET, POST' } }],
    ['a refused method with one allowed: 405 with Allow', new MethodNotAllowedError(['GET']), { status: 405, code: 'method_not_allowed', headers: { allow: 'GET' } }],
    ['a bad request target: 400', new BadRequestTargetError('the path climbs above the root'), { status: 400, code: 'bad_request_target' }],
    ['a body over the limit: 413 and close (the unread body would be read as the next request)', new PayloadTooLargeError(1024),
      { status: 413, code: 'payload_too_large', headers: { connection: 'close' } }],
    ['an upstream timeout: 504', new UpstreamTimeoutError('no response headers', 15000), { status: 504, code: 'upstream_timeout' }],
    ['an unavailable upstream: 502', new UpstreamUnavailableError('ECONNREFUSED'), { status: 502, code: 'upstream_unavailable' }],
    ['an unavailable upstream with a cause: 502', new UpstreamUnavailableError('ECONNRESET', { cause: new Error('socket hang up') }), { status: 502, code: 'upstream_unavailable' }],
    // The filter destroys the connection for UpstreamAbortedError before asking answerFor: nobody is left to answer.
    ['an aborted client, never answered by the filter: 500', new UpstreamAbortedError(), { status: 500, code: 'internal_error' }],
    ['a TLS file error (a boot-time error): 500', new UpstreamTlsFileError('cannot read ca.pem'), { status: 500, code: 'internal_error' }],
    ['any other Error: 500', new TypeError('x is undefined'), { status: 500, code: 'internal_error' }],
    ['a thrown string: 500', 'boom', { status: 500, code: 'internal_error' }],
    ['a thrown undefined: 500', undefined, { status: 500, code: 'internal_error' }],
    ['a look-alike that is no RouteNotFoundError: 500', { name: 'RouteNotFoundError', message: 'no route' }, { status: 500, code: 'internal_error' }],
  ])('should answer %s', (_case, error, expected) => {
    expect(answerFor(error)).toEqual(expected);
  });
});
