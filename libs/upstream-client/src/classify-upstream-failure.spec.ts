import { errors } from 'undici';
import { classifyUpstreamFailure, type FailureContext } from './classify-upstream-failure';
import { ClientStalledError, UpstreamAbortedError, UpstreamTimeoutError, UpstreamUnavailableError, type UpstreamError } from './upstream.errors';

const CONTEXT: FailureContext = { aborted: false, timeoutMs: 3000, idleTimeoutMs: 60000 };

function nodeError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe(classifyUpstreamFailure.name, () => {
  it.each<[string, Error, Partial<FailureContext>, Error]>([
    ['a refused connection', nodeError('ECONNREFUSED'), {}, new UpstreamUnavailableError('connection refused')],
    ['a reset connection', nodeError('ECONNRESET'), {}, new UpstreamUnavailableError('connection reset')],
    ['a socket closed by the peer', new errors.SocketError('other side closed'), {}, new UpstreamUnavailableError('connection reset')],
    ['a connect timeout', new errors.ConnectTimeoutError(), {}, new UpstreamUnavailableError('connect timed out')],
    ['an unknown host', nodeError('ENOTFOUND'), {}, new UpstreamUnavailableError('host not found')],
    ['a malformed answer', Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_CONSTANT' }), {}, new UpstreamUnavailableError('malformed response')],
    ['an untrusted certificate', nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), {}, new UpstreamUnavailableError('TLS handshake failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE)')],
    ['a self-signed certificate', nodeError('DEPTH_ZERO_SELF_SIGNED_CERT'), {}, new UpstreamUnavailableError('TLS handshake failed (DEPTH_ZERO_SELF_SIGNED_CERT)')],
    ['a headers timeout', new errors.HeadersTimeoutError(), {}, new UpstreamTimeoutError('no response headers', 3000)],
    ['a body timeout', new errors.BodyTimeoutError(), {}, new UpstreamTimeoutError('response body stalled', 60000)],
    ['an abort by the client', new errors.RequestAbortedError(), {}, new UpstreamAbortedError()],
    ['any failure after the client went away', nodeError('ECONNRESET'), { aborted: true }, new UpstreamAbortedError()],
    ['an unknown failure', new Error('boom'), {}, new UpstreamUnavailableError('request failed (Error)')],
    ['an unknown code', nodeError('EWEIRD'), {}, new UpstreamUnavailableError('request failed (EWEIRD)')],
    ['a code named like an Object.prototype member', nodeError('constructor'), {}, new UpstreamUnavailableError('request failed (constructor)')],
  ])('should classify %s', (_case, error, context, expected) => {
    const result = classifyUpstreamFailure(error, { ...CONTEXT, ...context });
    expect(result).toBeInstanceOf(expected.constructor);
    expect(result.message).toBe(expected.message);
    expect(result.errorType).toBe((expected as UpstreamError).errorType);
  });
});

describe('error.type of upstream failures', () => {
  it.each<[string, UpstreamError, string]>([
    ['a refused connection', new UpstreamUnavailableError('connection refused'), 'connection_refused'],
    ['a reset connection', new UpstreamUnavailableError('connection reset'), 'connection_reset'],
    ['a closed connection', new UpstreamUnavailableError('connection closed'), 'connection_reset'],
    ['a connect timeout', new UpstreamUnavailableError('connect timed out'), 'connect_timeout'],
    ['an unknown host', new UpstreamUnavailableError('host not found'), 'dns'],
    ['an unreachable network', new UpstreamUnavailableError('network unreachable'), 'unreachable'],
    ['a TLS failure', new UpstreamUnavailableError('TLS handshake failed (CERT_HAS_EXPIRED)'), 'tls'],
    ['a malformed answer', new UpstreamUnavailableError('malformed response'), 'malformed_response'],
    ['an unknown failure', new UpstreamUnavailableError('request failed (EWEIRD)'), '_OTHER'],
    ['a timeout', new UpstreamTimeoutError('no response headers', 1000), 'timeout'],
    ['a client gone', new UpstreamAbortedError(), 'client_aborted'],
    ['a client not reading', new ClientStalledError(1000), 'client_stalled'],
  ])('should class %s as %s', (_case, error, expected) => {
    expect(error.errorType).toBe(expected);
  });
});
