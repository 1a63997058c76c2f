import { errors } from 'undici';
import { classifyUpstreamFailure, type FailureContext } from './classify-upstream-failure';
import { UpstreamAbortedError, UpstreamTimeoutError, UpstreamUnavailableError } from './upstream.errors';

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
  });
});
