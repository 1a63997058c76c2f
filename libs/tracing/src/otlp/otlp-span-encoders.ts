import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { OtlpProtocol } from '@app/config';
import type { SpanEncoder } from '../zipkin/reporter/span-encoder';
import { toOtlpSpan, type OtlpSpanOrigin } from './to-otlp-span';

/** OTLP/JSON: an ExportTraceServiceRequest object; a message holds each span's `resourceSpans` entry in one list. */
const JSON_PREFIX = Buffer.from('{"resourceSpans":[');
const JSON_SUFFIX = Buffer.from(']}');
const JSON_COMMA = Buffer.from(',');
/** The framing one single-span request carries around its resourceSpans entry. */
const JSON_FRAMING = JSON_PREFIX.length + JSON_SUFFIX.length;

/**
 * Each span is serialized by @opentelemetry/otlp-transformer as a whole ExportTraceServiceRequest of one span,
 * so the reporter can bound its queue in bytes. A message is those requests joined: in protobuf, concatenated
 * messages merge and repeated fields append (one ResourceSpans per span); in JSON, their resourceSpans lists
 * are joined into one.
 */
export class OtlpSpanEncoder implements SpanEncoder<ReadableSpan> {
  readonly encoding: string;
  readonly contentType: string;
  readonly messageOverheadBytes: number;

  constructor(
    private readonly protocol: OtlpProtocol,
    private readonly origin: OtlpSpanOrigin,
  ) {
    const json = protocol === 'http/json';
    this.encoding = json ? 'OTLP_JSON' : 'OTLP_PROTOBUF';
    this.contentType = json ? 'application/json' : 'application/x-protobuf';
    // JSON: the prefix and suffix once, minus the comma counted for every span but the first.
    this.messageOverheadBytes = json ? JSON_FRAMING - JSON_COMMA.length : 0;
  }

  encodeSpan(span: ReadableSpan): Buffer {
    const otlpSpan = toOtlpSpan(span, this.origin);
    if (this.protocol === 'http/protobuf') return toBuffer(ProtobufTraceSerializer.serializeRequest([otlpSpan]));
    const request = toBuffer(JsonTraceSerializer.serializeRequest([otlpSpan]));
    if (!startsAndEndsAsRequest(request)) throw new Error('OTLP JSON serializer produced an unexpected request shape');
    return request;
  }

  encodeMessage(encodedSpans: readonly Buffer[]): Buffer {
    if (this.protocol === 'http/protobuf') return Buffer.concat(encodedSpans);
    const parts: Buffer[] = [JSON_PREFIX];
    encodedSpans.forEach((request, index) => {
      if (index > 0) parts.push(JSON_COMMA);
      parts.push(request.subarray(JSON_PREFIX.length, request.length - JSON_SUFFIX.length));
    });
    parts.push(JSON_SUFFIX);
    return Buffer.concat(parts);
  }

  sizeInMessage(encodedSpanBytes: number): number {
    return this.protocol === 'http/protobuf' ? encodedSpanBytes : encodedSpanBytes - JSON_FRAMING + JSON_COMMA.length;
  }
}

/** A copy: the protobuf writer's output is a view on a buffer sized by estimate, which the queue must not hold. */
function toBuffer(bytes: Uint8Array | undefined): Buffer {
  if (bytes === undefined) throw new Error('OTLP serializer returned nothing');
  return Buffer.from(bytes);
}

function startsAndEndsAsRequest(request: Buffer): boolean {
  return request.subarray(0, JSON_PREFIX.length).equals(JSON_PREFIX) && request.subarray(request.length - JSON_SUFFIX.length).equals(JSON_SUFFIX);
}
