import { isIP } from 'node:net';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** RFC 1123 labels: letters, digits and inner hyphens, 1-63 characters each; a final dot marks a fully qualified name. */
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const HOST_NAME_MAX_LENGTH = 253;
/** A top-level label is never all digits (RFC 3696 §2): `256.0.0.1` is a bad address, not a host name. */
const NUMERIC_LAST_LABEL = /(?:^|\.)\d+\.?$/;

/**
 * What `server.listen(port, host)` accepts: an IPv4 or IPv6 address (Node's own parser, so octets are
 * range-checked), or a host name resolved at listen time.
 */
export function isBindHost(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (isIP(value) !== 0) return true;
  return value.length <= HOST_NAME_MAX_LENGTH && HOST_NAME.test(value) && !NUMERIC_LAST_LABEL.test(value);
}

/** A listen address: an IP address or a host name. */
export function IsBindHost(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBindHost',
      validator: {
        validate: isBindHost,
        defaultMessage: () => 'must be an IP address or a host name',
      },
    },
    options,
  );
}
