import type { OtlpProtocol } from '@app/config';
import type { SendResult } from '../zipkin/reporter/send-result';
import { classifyOtlpResponse, parseRetryAfterMs, type OtlpAnswer } from './otlp-response';

const NOW = Date.parse('2026-01-01T00:00:00Z');
/** ExportTraceServiceResponse { partial_success { rejected_spans: 3, error_message: "bad span" } } as protobuf. */
const PARTIAL_PROTOBUF = Buffer.from([0x0a, 0x0c, 0x08, 0x03, 0x12, 0x08, ...Buffer.from('bad span')]);
const answer = (status: number, body = '', extra: Partial<OtlpAnswer> = {}): OtlpAnswer => ({ status, body: Buffer.from(body), complete: true, ...extra });

describe(classifyOtlpResponse.name, () => {
  it.each<[string, OtlpAnswer, OtlpProtocol, SendResult]>([
    ['200 with an empty body as delivered', answer(200), 'http/protobuf', { kind: 'ok' }],
    ['202 with an empty JSON object as delivered', answer(202, '{}'), 'http/json', { kind: 'ok' }],
    ['a JSON partial success as rejected spans with the reason', answer(200, '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}'), 'http/json', { kind: 'ok', rejectedSpans: 2, reason: 'too old' }],
    ['a protobuf partial success as rejected spans with the reason', { status: 200, body: PARTIAL_PROTOBUF, complete: true }, 'http/protobuf', { kind: 'ok', rejectedSpans: 3, reason: 'bad span' }],
    ['a partial success of 0 rejected (a warning only) as delivered', answer(200, '{"partialSuccess":{"errorMessage":"slow down"}}'), 'http/json', { kind: 'ok' }],
    ['a cut 2xx answer as delivered, undecoded', answer(200, '{"partialSuccess":{"rejec', { complete: false }), 'http/json', { kind: 'ok' }],
    ['an undecodable JSON answer as delivered', answer(200, 'OK'), 'http/json', { kind: 'ok' }],
    ['429 as retryable', answer(429), 'http/protobuf', { kind: 'retryable', reason: 'HTTP 429' }],
    ['429 with Retry-After seconds', answer(429, '', { retryAfter: '3' }), 'http/protobuf', { kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 3000 }],
    ['503 with an HTTP-date Retry-After', answer(503, 'busy', { retryAfter: 'Thu, 01 Jan 2026 00:00:05 GMT' }), 'http/json', { kind: 'retryable', reason: 'HTTP 503: busy', retryAfterMs: 5000 }],
    ['502 as retryable', answer(502), 'http/protobuf', { kind: 'retryable', reason: 'HTTP 502' }],
    ['504 as retryable', answer(504), 'http/protobuf', { kind: 'retryable', reason: 'HTTP 504' }],
    ['500 as a rejection (not in the OTLP retryable list)', answer(500, 'boom'), 'http/json', { kind: 'permanent', status: 500, reason: 'HTTP 500: boom' }],
    ['400 as a rejection', answer(400, 'bad request'), 'http/json', { kind: 'permanent', status: 400, reason: 'HTTP 400: bad request' }],
    ['401 as a rejection', answer(401), 'http/protobuf', { kind: 'permanent', status: 401, reason: 'HTTP 401' }],
    ['a binary protobuf error body left out of the reason', { status: 400, body: Buffer.from([0x08, 0x03, 0x12, 0x01]), complete: true }, 'http/protobuf', { kind: 'permanent', status: 400, reason: 'HTTP 400' }],
  ])('should classify %s', (_case, input, protocol, expected) => {
    expect(classifyOtlpResponse(input, protocol, NOW)).toEqual(expected);
  });
});

describe(parseRetryAfterMs.name, () => {
  it.each<[string, number | undefined]>([
    ['0', 0],
    ['7', 7000],
    [' 12 ', 12000],
    ['Thu, 01 Jan 2026 00:00:02 GMT', 2000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('should read %j as %j ms', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(expected);
  });
});
