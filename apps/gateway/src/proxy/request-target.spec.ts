import { BadRequestTargetError } from './proxy.errors';
import { parseRequestTarget, type RequestTarget } from './request-target';

describe(parseRequestTarget.name, () => {
  it.each<[string, string, RequestTarget]>([
    ['the root', '/', { path: '/', query: '' }],
    ['a plain path', '/api/orders/42', { path: '/api/orders/42', query: '' }],
    ['a query kept raw, encoded slash included', '/api?x=1&next=%2Fhome&y=a%20b', { path: '/api', query: '?x=1&next=%2Fhome&y=a%20b' }],
    ['a query with further question marks', '/a?b?c', { path: '/a', query: '?b?c' }],
    ['an empty query', '/a?', { path: '/a', query: '?' }],
    ['percent-encoded UTF-8 as it came', '/caf%C3%A9/%E2%82%AC', { path: '/caf%C3%A9/%E2%82%AC', query: '' }],
    ['absolute-form: only the path and query', 'http://evil.example/api/orders?x=1', { path: '/api/orders', query: '?x=1' }],
    ['absolute-form with userinfo and port', 'https://user:pw@evil.example:8443/a/b', { path: '/a/b', query: '' }],
    ['absolute-form in upper case', 'HTTP://EVIL.EXAMPLE/A', { path: '/A', query: '' }],
    ['absolute-form whose path starts with //', 'http://gw//evil.example/x', { path: '/evil.example/x', query: '' }],
    // RFC 9110 §4.2.3: an empty path in an http(s) URI is equivalent to "/".
    ['absolute-form with an empty path', 'http://gw.example', { path: '/', query: '' }],
    ['absolute-form with an empty path and a query', 'http://gw.example?x=1', { path: '/', query: '?x=1' }],
    ['a scheme-relative-looking path as a path', '//evil.example/x', { path: '/evil.example/x', query: '' }],
    ['many leading slashes', '///evil.example//x', { path: '/evil.example/x', query: '' }],
    ['repeated inner slashes merged', '/a//b///c', { path: '/a/b/c', query: '' }],
    ['dot segments resolved', '/a/./b/../c', { path: '/a/c', query: '' }],
    ['a trailing /.. keeping the directory slash', '/a/b/..', { path: '/a/', query: '' }],
    ['a trailing /. keeping the directory slash', '/a/b/.', { path: '/a/b/', query: '' }],
    ['a climb back to the root', '/a/..', { path: '/', query: '' }],
    ['/. as the root', '/.', { path: '/', query: '' }],
    ['encoded dots resolved', '/a/%2e%2e/b', { path: '/b', query: '' }],
    ['mixed-case encoded dots resolved', '/a/b/%2E./%2e/c', { path: '/a/c', query: '' }],
    ['an encoded dot inside a segment decoded', '/file%2ejson', { path: '/file.json', query: '' }],
    ['three dots as an ordinary segment', '/a/.../b', { path: '/a/.../b', query: '' }],
    ['a segment starting with dots as an ordinary segment', '/a/..b/.c', { path: '/a/..b/.c', query: '' }],
    ['a trailing slash kept', '/api/', { path: '/api/', query: '' }],
    ['a doubled trailing slash as one', '/api//', { path: '/api/', query: '' }],
    ['a trailing slash kept through normalisation', '/a/./b/', { path: '/a/b/', query: '' }],
    ['a query after dot segments', '/a/../b?c=../d', { path: '/b', query: '?c=../d' }],
    ['a fragment dropped', '/a#frag', { path: '/a', query: '' }],
    ['a fragment after a query dropped', '/a?x=1#frag', { path: '/a', query: '?x=1' }],
    ['a fragment containing ? dropped whole (RFC 3986 §3.5)', '/a#frag?x=1', { path: '/a', query: '' }],
    ['well-formed percent-encodings kept as sent', '/a%20b/%C3%A9', { path: '/a%20b/%C3%A9', query: '' }],
    ['a malformed percent-encoding in the query, forwarded as sent', '/a?q=%zz', { path: '/a', query: '?q=%zz' }],
  ])('should read %s', (_case, target, expected) => {
    expect(parseRequestTarget(target)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['an empty target', '', 'the request target must be an absolute path'],
    ['asterisk-form', '*', 'the request target must be an absolute path'],
    ['authority-form', 'gw.example:443', 'the request target must be an absolute path'],
    ['a relative path', 'api/orders', 'the request target must be an absolute path'],
    ['.. above the root', '/..', 'the path climbs above the root'],
    ['.. above the root after a segment', '/a/../..', 'the path climbs above the root'],
    ['.. above the root to a file', '/../etc/passwd', 'the path climbs above the root'],
    ['encoded .. above the root', '/%2e%2e/etc/passwd', 'the path climbs above the root'],
    ['upper-case encoded .. above the root', '/a/%2E%2E/%2E%2E', 'the path climbs above the root'],
    ['absolute-form climbing above the root', 'http://gw/../x', 'the path climbs above the root'],
    ['a backslash', '/a\\b', 'the path contains a backslash, an encoded slash or a control character'],
    ['a backslash traversal', '/a\\..\\..\\b', 'the path contains a backslash, an encoded slash or a control character'],
    ['an encoded backslash', '/a%5cb', 'the path contains a backslash, an encoded slash or a control character'],
    ['an upper-case encoded backslash', '/a%5Cb', 'the path contains a backslash, an encoded slash or a control character'],
    ['an encoded slash', '/a%2fb', 'the path contains a backslash, an encoded slash or a control character'],
    ['an upper-case encoded slash', '/a%2Fb', 'the path contains a backslash, an encoded slash or a control character'],
    ['an encoded NUL', '/a%00b', 'the path contains a backslash, an encoded slash or a control character'],
    ['a NUL', '/a\u0000b', 'the path contains a backslash, an encoded slash or a control character'],
    ['a tab', '/a\tb', 'the path contains a backslash, an encoded slash or a control character'],
    ['a line feed', '/a\nb', 'the path contains a backslash, an encoded slash or a control character'],
    ['a DEL', '/a\u007fb', 'the path contains a backslash, an encoded slash or a control character'],
    ['an encoded slash in absolute-form', 'http://gw/a%2Fb', 'the path contains a backslash, an encoded slash or a control character'],
    ['a % without hex digits', '/api/%zz', 'the path contains a malformed percent-encoding'],
    ['a % with one hex digit at the end', '/api/%a', 'the path contains a malformed percent-encoding'],
    ['a lone % at the end', '/api/%', 'the path contains a malformed percent-encoding'],
  ])('should refuse %s', (_case, target, message) => {
    expect(() => parseRequestTarget(target)).toThrow(new BadRequestTargetError(message));
    expect(() => parseRequestTarget(target)).toThrow(BadRequestTargetError);
  });
});
