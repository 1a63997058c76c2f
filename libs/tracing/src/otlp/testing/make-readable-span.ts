import { SpanKind, SpanStatusCode, TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

export const TRACE_ID_128 = '5af7183fb1d4cf5f6b221d5bc9e6496c';
/** A 64-bit B3 trace id as the SDK holds it: left-padded with zeros to 16 bytes. */
export const TRACE_ID_64_PADDED = '00000000000000006b221d5bc9e6496c';
export const CALLER_ID = 'a2fb4a1d1a96d312';
export const SPAN_ID = '352bff9a74ca9ad2';
/** 2019-04-30T06:02:52.355737123Z; the span lasts 1431 µs. */
export const START: HrTime = [1556604172, 355737123];
export const END: HrTime = [1556604172, 357168456];
export const START_NS = '1556604172355737123';
export const END_NS = '1556604172357168456';

export interface SpanOverrides extends Partial<Omit<ReadableSpan, 'spanContext'>> {
  readonly context?: Partial<SpanContext>;
}

/** A finished gateway SERVER span with fixed ids and times, as the SDK hands it to a span processor. */
export function makeReadableSpan({ context, ...overrides }: SpanOverrides = {}): ReadableSpan {
  const spanContext: SpanContext = { traceId: TRACE_ID_128, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, ...context };
  return {
    name: 'GET /api/orders/{id}',
    kind: SpanKind.SERVER,
    spanContext: () => spanContext,
    parentSpanContext: { traceId: spanContext.traceId, spanId: CALLER_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true },
    startTime: START,
    endTime: END,
    duration: [0, 1431333],
    status: { code: SpanStatusCode.UNSET },
    attributes: {
      'http.method': 'GET',
      'http.path': '/api/orders/42',
      'http.route': '/api/orders/{id}',
      'http.status_code': '200',
      'network.peer.address': '172.19.0.2',
      'network.peer.port': 58648,
    },
    links: [],
    events: [],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': 'sdk-resource-not-exported' }),
    instrumentationScope: { name: 'external-proxy' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}
