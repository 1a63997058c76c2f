/**
 * A collector URL with its secret parts hidden: userinfo, query and any path other than the standard
 * collector paths (Alibaba Tracing Analysis puts the token in the path).
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<redacted>';
  }
  const path = ['/', '', '/api/v1/spans', '/api/v2/spans'].includes(parsed.pathname) ? parsed.pathname : '/<redacted>';
  const auth = parsed.username || parsed.password ? '<redacted>@' : '';
  const query = parsed.search ? '?<redacted>' : '';
  return `${parsed.protocol}//${auth}${parsed.host}${path}${query}`;
}
