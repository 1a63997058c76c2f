import { rawHeaderValues } from './header-policy';
import { BadRequestHeadersError, PayloadTooLargeError, UnsupportedTransferCodingError } from './proxy.errors';

/**
 * Pure: refuses a request head that Node's parser accepted but a proxy must not forward, by throwing the
 * typed error the error policy answers. `maxBodyBytes` 0 means no limit.
 */
export function checkRequestHead(rawHeaders: readonly string[], maxBodyBytes: number): void {
  // RFC 9112 §3.2: a request with more than one Host header must be refused.
  if (rawHeaderValues(rawHeaders, 'host').length > 1) throw new BadRequestHeadersError('more than one Host header');
  // RFC 9112 §6.1: Node accepts any list that ends in chunked (`gzip, chunked`); forwarding it would hand
  // the upstream a coded body without saying so, so anything but a single `chunked` is refused.
  const codings = rawHeaderValues(rawHeaders, 'transfer-encoding');
  if (codings.length > 0 && (codings.length > 1 || codings[0].trim().toLowerCase() !== 'chunked')) throw new UnsupportedTransferCodingError();
  if (maxBodyBytes > 0) {
    const [declared] = rawHeaderValues(rawHeaders, 'content-length');
    if (declared !== undefined && Number(declared) > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  }
}

/** The client asked to be told before it sends the body (RFC 9110 §10.1.1). */
export function expectsContinue(rawHeaders: readonly string[]): boolean {
  return rawHeaderValues(rawHeaders, 'expect').some((value) => value.trim().toLowerCase() === '100-continue');
}
