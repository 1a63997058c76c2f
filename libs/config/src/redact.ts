/**
 * A collector URL with its secret parts hidden: userinfo, query and any path other than the standard
 * collector paths (Zipkin's and OTLP's) (Alibaba Tracing Analysis puts the token in the path).
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<redacted>';
  }
  const path = ['/', '', '/api/v1/spans', '/api/v2/spans', '/v1/traces'].includes(parsed.pathname) ? parsed.pathname : '/<redacted>';
  const auth = parsed.username || parsed.password ? '<redacted>@' : '';
  const query = parsed.search ? '?<redacted>' : '';
  return `${parsed.protocol}//${auth}${parsed.host}${path}${query}`;
}

/** Path segments of a collector URL that are protocol, not secret (Zipkin's /api/v2/spans, OTLP's /v1/traces). */
const STANDARD_SEGMENTS: ReadonlySet<string> = new Set(['', 'api', 'v1', 'v2', 'spans', 'traces']);
/** Shorter strings are not scrubbed: they would mangle ordinary words of a message, and no token is that short. */
const MIN_SECRET_LENGTH = 4;

/**
 * The secret strings a collector configuration holds: URL userinfo, non-standard path segments (Alibaba's
 * `adapt_<token>`), the query and each query value, and every extra header value; each as written, decoded
 * and encoded, since an answer may echo any of those forms.
 */
export function collectorSecrets(endpoint: string | undefined, headers: Readonly<Record<string, string>>): string[] {
  const secrets = new Set<string>(Object.values(headers));
  if (endpoint !== undefined) {
    secrets.add(endpoint);
    try {
      const url = new URL(endpoint);
      for (const part of [url.username, url.password, url.search.slice(1), ...url.searchParams.values()]) secrets.add(part);
      for (const segment of url.pathname.split('/')) if (!STANDARD_SEGMENTS.has(segment)) secrets.add(segment);
    } catch {
      // Not a URL: the whole string is the only secret known.
    }
  }
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    try {
      forms.add(decodeURIComponent(secret));
    } catch {
      // Not percent-encoded.
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Pure: `text` with every occurrence of each secret replaced by `<redacted>` (longest secrets first). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) if (scrubbed.includes(secret)) scrubbed = scrubbed.split(secret).join('<redacted>');
  return scrubbed;
}
