import { redactUrl } from './redact';

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
