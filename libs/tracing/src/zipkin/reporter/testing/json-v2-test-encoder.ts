import type { SpanBytesEncoder } from '../../span-bytes-encoder';
import type { ZipkinSpan } from '../../zipkin-span';

/**
 * A minimal V2 JSON encoder for reporter tests, independent of the real encoders: `[` spans joined by
 * `,` `]`. A message of n spans is 2 + Σ bytes + (n − 1) = 1 + Σ (bytes + 1).
 */
export const jsonV2TestEncoder: SpanBytesEncoder = {
  encoding: 'JSON_V2',
  contentType: 'application/json',
  path: '/api/v2/spans',
  encodeSpan: (span: ZipkinSpan) => Buffer.from(JSON.stringify(span)),
  encodeMessage: (spans: readonly Buffer[]) => Buffer.from(`[${spans.map((s) => s.toString('utf8')).join(',')}]`),
  sizeInMessage: (encodedBytes: number) => encodedBytes + 1,
  messageOverheadBytes: 1,
};

/** A span with fixed ids and times; `n` makes ids distinct, `overrides` shape the rest. */
export function makeSpan(n = 1, overrides: Partial<ZipkinSpan> = {}): ZipkinSpan {
  return {
    traceId: '463ac35c9f6413ad48485a3953bb6124',
    id: n.toString(16).padStart(16, '0'),
    name: 'get /orders',
    kind: 'SERVER',
    timestamp: 1_700_000_000_000_000 + n,
    duration: 1500,
    localEndpoint: { serviceName: 'external-proxy', ipv4: '10.0.0.1' },
    ...overrides,
  };
}

/** Spans in the order the collector received them, from V2 JSON message bodies. */
export function spansIn(bodies: readonly Buffer[]): ZipkinSpan[] {
  return bodies.flatMap((body) => JSON.parse(body.toString('utf8')) as ZipkinSpan[]);
}
