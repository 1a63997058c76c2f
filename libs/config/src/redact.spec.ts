import { collectorSecrets, redactUrl, scrubSecrets } from './redact';

describe(redactUrl.name, () => {
  it.each<[string, string, string]>([
    ['a base URL kept', 'http://zipkin:9411', 'http://zipkin:9411/'],
    ['a base URL with its slash kept', 'http://zipkin:9411/', 'http://zipkin:9411/'],
    ['the V2 path kept', 'http://zipkin.observability:9411/api/v2/spans', 'http://zipkin.observability:9411/api/v2/spans'],
    ['the V1 path kept', 'https://zipkin.example.com/api/v1/spans', 'https://zipkin.example.com/api/v1/spans'],
    ['an Alibaba Tracing Analysis token in the path', 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_abc123@def456_789/api/v2/spans',
      'http://tracing-analysis-dc-hz.aliyuncs.com/<redacted>'],
    ['any other path', 'https://collector.example.com/tenant-42/spans', 'https://collector.example.com/<redacted>'],
    ['a standard path with a trailing slash (not standard)', 'http://zipkin:9411/api/v2/spans/', 'http://zipkin:9411/<redacted>'],
    ['a query token', 'http://zipkin:9411/api/v2/spans?token=s3cr3t', 'http://zipkin:9411/api/v2/spans?<redacted>'],
    ['user and password', 'https://user:s3cr3t@zipkin.example.com/api/v2/spans', 'https://<redacted>@zipkin.example.com/api/v2/spans'],
    ['a user alone', 'https://s3cr3t@zipkin.example.com/api/v2/spans', 'https://<redacted>@zipkin.example.com/api/v2/spans'],
    ['a password alone', 'https://:s3cr3t@zipkin.example.com/', 'https://<redacted>@zipkin.example.com/'],
    ['the OTLP traces path kept', 'http://otel-collector:4318/v1/traces', 'http://otel-collector:4318/v1/traces'],
    ['a tenant before the OTLP traces path', 'https://otlp.example.com/t/s3cr3t/v1/traces', 'https://otlp.example.com/<redacted>'],
    ['a fragment dropped', 'http://zipkin:9411/api/v2/spans#s3cr3t', 'http://zipkin:9411/api/v2/spans'],
    ['everything at once', 'https://u:p@host:8443/adapt_tok/api/v1/spans?k=v#f', 'https://<redacted>@host:8443/<redacted>?<redacted>'],
    ['another scheme kept with its path hidden', 'ftp://x/adapt_s3cr3t/api/v1/spans', 'ftp://x/<redacted>'],
    ['an IPv6 host kept', 'http://[::1]:9411/api/v2/spans', 'http://[::1]:9411/api/v2/spans'],
    ['a host:port without scheme (read as scheme zipkin:), its path hidden', 'zipkin:9411/adapt_s3cr3t', 'zipkin:///<redacted>'],
    ['a string that does not parse', 'not a url s3cr3t', '<redacted>'],
    ['an empty string', '', '<redacted>'],
  ])('should write %s', (_case, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

const ALIBABA = 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_abc123secret/api/v2/spans';

describe(collectorSecrets.name, () => {
  it.each<[string, string | undefined, Record<string, string>, string[]]>([
    ['no endpoint, no headers', undefined, {}, []],
    ['a plain Zipkin URL: the URL itself only', 'http://zipkin:9411/api/v2/spans', {}, ['http://zipkin:9411/api/v2/spans', 'http%3A%2F%2Fzipkin%3A9411%2Fapi%2Fv2%2Fspans']],
    ['a token in the path', ALIBABA, {}, [encodeURIComponent(ALIBABA), ALIBABA, 'adapt_abc123secret']],
    ['a token before the OTLP traces path', 'https://o.example/t0k3n/v1/traces', { 'api-key': 'k3y' },
      ['https://o.example/t0k3n/v1/traces', encodeURIComponent('https://o.example/t0k3n/v1/traces'), 't0k3n']],
    ['userinfo, query values and a header', 'https://user:p%40ss@c.example/api/v2/spans?token=t0k3n', { authorization: 'Bearer s3cr3t' },
      [
        encodeURIComponent('https://user:p%40ss@c.example/api/v2/spans?token=t0k3n'),
        'https://user:p%40ss@c.example/api/v2/spans?token=t0k3n',
        'https://user:p@ss@c.example/api/v2/spans?token=t0k3n',
        'token%3Dt0k3n', 'Bearer%20s3cr3t', 'Bearer s3cr3t', 'token=t0k3n', 'p%2540ss', 'p%40ss', 't0k3n', 'user', 'p@ss',
      ]],
  ])('should list the secrets of %s, longest first', (_case, endpoint, headers, expected) => {
    const secrets = collectorSecrets(endpoint, headers);
    expect([...secrets].sort()).toEqual([...expected].sort());
    expect(secrets.map((secret) => secret.length)).toEqual(secrets.map((secret) => secret.length).sort((a, b) => b - a));
  });
});

describe(scrubSecrets.name, () => {
  const secrets = collectorSecrets(`${ALIBABA}?token=q1w2e3`, { 'x-api-key': 'k3y-v4lue' });

  it.each<[string, string, string]>([
    ['a Spring-style 404 that echoes the path and query',
      '{"status":404,"error":"Not Found","path":"/adapt_abc123secret/api/v2/spans?token=q1w2e3"}',
      '{"status":404,"error":"Not Found","path":"/<redacted>/api/v2/spans?<redacted>"}'],
    ['an echoed header value', 'unauthorized: x-api-key k3y-v4lue is not valid', 'unauthorized: x-api-key <redacted> is not valid'],
    ['a percent-encoded echo of the query', 'bad request for token%3Dq1w2e3', 'bad request for <redacted>'],
    ['an answer without secrets, unchanged', 'Expected a JSON_V1 encoded list', 'Expected a JSON_V1 encoded list'],
  ])('should scrub %s', (_case, text, expected) => {
    expect(scrubSecrets(text, secrets)).toBe(expected);
  });
});
