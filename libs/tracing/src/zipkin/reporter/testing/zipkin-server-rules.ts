/**
 * How a Zipkin server (and the OpenTelemetry Collector's zipkin receiver) accepts a POST: the path names
 * the version, Content-Type the encoding, and the body must be of that version (its detector sniffs it).
 * Anything else is a 400 such as "Expected a JSON_V1 encoded list, but received: JSON_V2".
 */
export type WireEncoding = 'JSON_V1' | 'JSON_V2' | 'THRIFT' | 'PROTO3';

const EXPECTED: Readonly<Record<string, Readonly<Record<string, WireEncoding>>>> = {
  '/api/v1/spans': { 'application/json': 'JSON_V1', 'application/x-thrift': 'THRIFT' },
  '/api/v2/spans': { 'application/json': 'JSON_V2', 'application/x-protobuf': 'PROTO3' },
};

export interface ZipkinServerAnswer {
  readonly status: number;
  readonly body: string;
}

export function zipkinServerAnswer(path: string, contentType: string | undefined, body: Buffer): ZipkinServerAnswer {
  const version = Object.keys(EXPECTED).find((suffix) => path.split('?')[0].endsWith(suffix));
  if (version === undefined) return { status: 404, body: 'Not Found' };
  // The binary type is chosen by an exact Content-Type (some receivers compare with `==`); anything else is read as JSON.
  const expected = EXPECTED[version][contentType ?? ''] ?? EXPECTED[version]['application/json'];
  const detected = detectEncoding(body);
  if (detected !== expected) return { status: 400, body: `Expected a ${expected} encoded list, but received: ${detected}\n` };
  return { status: 202, body: '' };
}

/** What the body looks like, after Zipkin's SpanBytesDecoderDetector. */
export function detectEncoding(body: Buffer): WireEncoding | 'UNKNOWN' {
  if (body.length === 0) return 'UNKNOWN';
  if (body[0] === 0x0c) return 'THRIFT';
  if (body[0] === 0x0a) return 'PROTO3';
  if (body[0] !== 0x5b) return 'UNKNOWN';
  let spans: unknown;
  try {
    spans = JSON.parse(body.toString('utf8'));
  } catch {
    return 'UNKNOWN';
  }
  const first: unknown = Array.isArray(spans) ? spans[0] : undefined;
  if (typeof first !== 'object' || first === null) return 'UNKNOWN';
  const keys = Object.keys(first);
  if (keys.some((key) => ['localEndpoint', 'remoteEndpoint', 'kind', 'tags', 'shared'].includes(key))) return 'JSON_V2';
  if (keys.some((key) => ['binaryAnnotations', 'annotations'].includes(key))) return 'JSON_V1';
  return 'UNKNOWN';
}
