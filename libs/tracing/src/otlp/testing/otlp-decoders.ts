import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Root, type Type } from 'protobufjs';

/**
 * Decoders nobody here wrote, for proving the OTLP encoder (and, in e2e tests, what a stand-in collector
 * receives): protobufjs loading the published opentelemetry-proto files (third_party/opentelemetry-proto), and
 * JSON.parse read as the OTLP/JSON mapping says (ids as lowercase hex, enums as integers, int64 as strings or numbers).
 */

/** One span as both decoders render it: ids as lowercase hex, times as decimal nanosecond strings, values plain. */
export interface DecodedOtlpSpan {
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** SpanKind enum number: 2 SERVER, 3 CLIENT. */
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Status code enum number (0 unset, 1 ok, 2 error) and message, when any. */
  readonly status: { readonly code: number; readonly message?: string };
  readonly events: readonly { readonly name: string; readonly timeUnixNano: string }[];
}

let requestType: Type | undefined;

/** third_party/opentelemetry-proto, found by walking up from here to the repo root (sources or compiled tools). */
function protoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'third_party', 'opentelemetry-proto');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`third_party/opentelemetry-proto not found above ${__dirname}`);
  }
}

function exportTraceServiceRequest(): Type {
  if (requestType) return requestType;
  const root = new Root();
  const base = protoRoot();
  root.resolvePath = (_origin, target) => join(base, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  return requestType;
}

/** An http/protobuf body (gunzipped when `gzipped`) as its spans, in order. */
export function decodeOtlpProtobuf(body: Buffer, gzipped = false): DecodedOtlpSpan[] {
  const type = exportTraceServiceRequest();
  const bytes = gzipped ? gunzipSync(body) : body;
  const message = type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: false });
  return spansOf(message, base64ToHex);
}

/** An http/json body (gunzipped when `gzipped`) as its spans, in order. */
export function decodeOtlpJson(body: Buffer, gzipped = false): DecodedOtlpSpan[] {
  const bytes = gzipped ? gunzipSync(body) : body;
  return spansOf(JSON.parse(bytes.toString('utf8')) as OtlpRequest, (id) => id);
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number; message?: string };
  events?: { name: string; timeUnixNano: string | number }[];
}
interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[];
}

function spansOf(request: OtlpRequest, id: (raw: string) => string): DecodedOtlpSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) =>
    (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => {
        const parent = span.parentSpanId === undefined || span.parentSpanId === '' ? undefined : id(span.parentSpanId);
        return {
          resource: attributesOf(resourceSpans.resource?.attributes),
          scope: scopeSpans.scope?.name ?? '',
          traceId: id(span.traceId),
          spanId: id(span.spanId),
          ...(parent === undefined ? {} : { parentSpanId: parent }),
          name: span.name,
          kind: span.kind ?? 0,
          startTimeUnixNano: String(span.startTimeUnixNano),
          endTimeUnixNano: String(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
          events: (span.events ?? []).map((event) => ({ name: event.name, timeUnixNano: String(event.timeUnixNano) })),
        };
      }),
    ),
  );
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value ?? {})]));
}

function valueOf(value: OtlpAnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function base64ToHex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}
