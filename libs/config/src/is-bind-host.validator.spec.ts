import { isBindHost } from './is-bind-host.validator';

describe(isBindHost.name, () => {
  it.each<[string, unknown]>([
    ['every IPv4 interface', '0.0.0.0'],
    ['IPv4 loopback', '127.0.0.1'],
    ['the top IPv4 address', '255.255.255.255'],
    ['every IPv6 interface', '::'],
    ['IPv6 loopback', '::1'],
    ['an IPv4-mapped IPv6 address', '::ffff:10.0.0.1'],
    ['a link-local IPv6 address with a zone', 'fe80::1%eth0'],
    ['a single-label host name', 'localhost'],
    ['a cluster DNS name', 'external-proxy.observability.svc.cluster.local'],
    ['a label starting with a digit', '1password.example'],
    ['a label of 63 characters', `${'a'.repeat(63)}.example`],
    ['a fully qualified name with its final dot', 'gateway.example.com.'],
  ])('should accept %s', (_case, value) => {
    expect(isBindHost(value)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an IPv4 octet above 255', '256.0.0.1'],
    ['an IPv4 address with three parts', '10.0.1'],
    ['an IPv4 address with a leading zero', '010.0.0.1'],
    ['an all-digit name', '8080'],
    ['a space', 'not a host'],
    ['an empty string', ''],
    ['a bracketed IPv6 address (URL syntax, not a listen address)', '[::1]'],
    ['a malformed IPv6 address', ':::'],
    ['a host with a port', 'localhost:8080'],
    ['a URL', 'http://localhost'],
    ['a label starting with a hyphen', '-gateway.local'],
    ['a label ending with a hyphen', 'gateway-.local'],
    ['an empty label', 'gateway..local'],
    ['an all-digit name with a final dot', '10.0.0.1.'],
    ['a label of 64 characters', `${'a'.repeat(64)}.example`],
    ['a name over 253 characters', Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.')],
    ['an underscore', 'my_host'],
    ['a number', 8080],
    ['undefined', undefined],
  ])('should refuse %s', (_case, value) => {
    expect(isBindHost(value)).toBe(false);
  });
});
