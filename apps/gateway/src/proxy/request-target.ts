import { BadRequestTargetError } from './proxy.errors';

export interface RequestTarget {
  /** Normalised absolute path: no dot segments, no empty segments. */
  readonly path: string;
  /** The raw query string with its `?`, or ''. */
  readonly query: string;
}

/** Characters that let a path be read differently by the upstream: backslash, encoded / and \, NUL and controls. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const AMBIGUOUS = /[\\\x00-\x1f\x7f]|%(?:2f|5c|00)/i;
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;
/** RFC 3986 §2.1: `%` is always followed by two hex digits. */
const MALFORMED_PERCENT = /%(?![0-9a-f]{2})/i;

/**
 * The request target as a path we route on. Absolute-form targets keep only their path (their host is
 * never used); `%2e` is decoded and dot segments resolved (RFC 3986 §5.2.4); repeated slashes merge, so
 * `//evil.example/` is the path `/evil.example/`. A path that climbs above the root is refused.
 */
export function parseRequestTarget(rawTarget: string): RequestTarget {
  const withoutFragment = rawTarget.replace(/#.*$/s, '');
  const absoluteForm = ABSOLUTE_FORM.test(withoutFragment);
  let target = withoutFragment.replace(ABSOLUTE_FORM, '');
  // RFC 9110 §4.2.3: an absolute-form target with an empty path means `/`.
  if (absoluteForm && !target.startsWith('/')) target = `/${target}`;
  if (!target.startsWith('/')) throw new BadRequestTargetError('the request target must be an absolute path');
  const queryStart = target.indexOf('?');
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = queryStart === -1 ? '' : target.slice(queryStart);
  if (AMBIGUOUS.test(rawPath)) throw new BadRequestTargetError('the path contains a backslash, an encoded slash or a control character');
  if (MALFORMED_PERCENT.test(rawPath)) throw new BadRequestTargetError('the path contains a malformed percent-encoding');
  return { path: normalisePath(rawPath), query };
}

function normalisePath(rawPath: string): string {
  // Fast path: most paths have nothing to normalise.
  if (!/\/\/|\/\.|%2e/i.test(rawPath)) return rawPath;
  const segments = rawPath.replace(/%2e/gi, '.').split('/');
  const output: string[] = [];
  for (const segment of segments.slice(1)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (output.length === 0) throw new BadRequestTargetError('the path climbs above the root');
      output.pop();
      continue;
    }
    output.push(segment);
  }
  const trailingSlash = /\/\.{0,2}$/.test(rawPath.replace(/%2e/gi, '.')) && output.length > 0;
  return `/${output.join('/')}${trailingSlash ? '/' : ''}`;
}
