import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ZIPKIN_DEBUG_ATTRIBUTE } from '../sdk/gateway-sampler';
import { staticTagsOf } from '../sdk/static-tags';
import { toZipkinSpan } from '../zipkin/to-zipkin-span';
import type { ZipkinSpan } from '../zipkin/zipkin-span';
import { otlpOrigin } from './create-otlp-sink';
import { OtlpSpanEncoder } from './otlp-span-encoders';
import { decodeOtlpJson, decodeOtlpProtobuf, type DecodedOtlpSpan } from './testing/otlp-decoders';
import { TRACE_ID_64_PADDED, makeReadableSpan } from './testing/make-readable-span';

const TRACING = { serviceName: 'external-proxy', staticTags: { env: 'prod' }, resourceAttributes: { 'deployment.environment': 'eu-1' } };

/** A SERVER span (128-bit trace) and a failed, debug-sampled CLIENT span (64-bit trace) as the gateway ends them. */
const SPANS: readonly ReadableSpan[] = [
  makeReadableSpan({ attributes: { 'http.method': 'GET', 'http.path': '/orders/42', 'http.route': '/orders/{id}', 'http.status_code': '200', 'guid:x-request-id': 'r-1', 'network.peer.address': '172.19.0.2', 'network.peer.port': 58648 } }),
  makeReadableSpan({
    kind: SpanKind.CLIENT,
    context: { traceId: TRACE_ID_64_PADDED, spanId: '1111111111111111' },
    status: { code: SpanStatusCode.ERROR, message: 'upstream timeout' },
    attributes: {
      'http.method': 'GET', 'http.path': '/orders/42', 'http.status_code': '504', error: 'upstream timeout', [ZIPKIN_DEBUG_ATTRIBUTE]: true,
      'peer.service': 'orders', 'server.address': 'orders.mesh', 'network.peer.port': 8080,
    },
  }),
];

/** Zipkin tag → OTLP attribute of the same fact. */
const TAG_TO_ATTRIBUTE: Readonly<Record<string, string>> = {
  'http.method': 'http.request.method',
  'http.path': 'url.path',
  'http.status_code': 'http.response.status_code',
  error: 'error.type',
};
const KIND_NUMBER: Readonly<Record<string, number>> = { SERVER: 2, CLIENT: 3 };

interface SharedContent {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: number;
  name?: string;
  startUs?: number;
  endUs?: number;
  error?: string;
  debug: boolean;
  service?: string;
  staticTags: Record<string, string>;
  tags: Record<string, string>;
  remotePort?: number;
}

function fromZipkin(span: ZipkinSpan): SharedContent {
  const tags = { ...span.tags };
  const staticTags = staticTagsOf(TRACING) ?? {};
  for (const key of Object.keys(staticTags)) delete tags[key];
  return {
    traceId: span.traceId.padStart(32, '0'),
    id: span.id,
    parentId: span.parentId,
    kind: span.kind === undefined ? undefined : KIND_NUMBER[span.kind],
    name: span.name,
    startUs: span.timestamp,
    endUs: (span.timestamp ?? 0) + (span.duration ?? 0),
    error: span.tags?.error,
    debug: span.debug === true,
    service: span.localEndpoint?.serviceName,
    staticTags: Object.fromEntries(Object.keys(staticTags).map((key) => [key, span.tags?.[key] ?? ''])),
    tags: Object.fromEntries(Object.entries(tags).map(([key, value]) => [TAG_TO_ATTRIBUTE[key] ?? key, value])),
    remotePort: span.remoteEndpoint?.port,
  };
}

function fromOtlp(span: DecodedOtlpSpan): SharedContent {
  const { 'service.name': service, ...staticTags } = span.resource as Record<string, string>;
  const attributes = { ...span.attributes };
  const remotePort = (attributes['client.port'] ?? attributes['server.port']) as number | undefined;
  // Attributes OTLP adds for facts Zipkin keeps in its endpoints, or as the debug flag.
  for (const key of ['client.address', 'client.port', 'server.address', 'server.port', 'network.peer.address', 'network.peer.port', 'peer.service', ZIPKIN_DEBUG_ATTRIBUTE]) delete attributes[key];
  return {
    traceId: span.traceId,
    id: span.spanId,
    parentId: span.parentSpanId,
    kind: span.kind,
    name: span.name.toLowerCase(),
    startUs: Math.floor(Number(BigInt(span.startTimeUnixNano) / 1000n)),
    endUs: Math.floor(Number(BigInt(span.endTimeUnixNano) / 1000n)),
    error: span.status.code === 2 ? span.status.message : undefined,
    debug: span.attributes[ZIPKIN_DEBUG_ATTRIBUTE] === true,
    service,
    staticTags,
    tags: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, String(value)])),
    remotePort,
  };
}

describe('Zipkin and OTLP export of the same spans', () => {
  it.each([
    ['http/protobuf', decodeOtlpProtobuf],
    ['http/json', decodeOtlpJson],
  ] as const)('should carry the same content through Zipkin and OTLP %s, field by field', (protocol, decode) => {
    const encoder = new OtlpSpanEncoder(protocol, otlpOrigin(TRACING));
    const zipkin = SPANS.map((span) => fromZipkin(toZipkinSpan(span, { serviceName: TRACING.serviceName }, staticTagsOf(TRACING))));
    const otlp = decode(encoder.encodeMessage(SPANS.map((span) => encoder.encodeSpan(span)))).map(fromOtlp);
    expect(otlp).toEqual(zipkin);
  });
});
