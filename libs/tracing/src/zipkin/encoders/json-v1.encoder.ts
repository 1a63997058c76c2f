import type { SpanBytesEncoder } from '../span-bytes-encoder';
import type { ZipkinSpan } from '../zipkin-span';
import { JSON_LIST_OVERHEAD_BYTES, encodeJsonList, endpointJson, jsonSizeInList, jsonString } from './json-writing';
import type { V1Endpoint, V1Span } from './v1-span';
import { toZipkinV1Span } from './v1-span';

/**
 * JSON_V1 (zipkin-api.yaml Span), from toZipkinV1Span, in the key order of Zipkin's V1SpanWriter.
 *
 * - `traceId` is the whole 16 or 32 hex: V1 JSON has no `traceIdHigh` key (the schema allows 16..32
 *   characters; Zipkin's V1SpanWriter and zipkin-js JSON_V1 both write the 128-bit id whole).
 * - The host of an annotation is the `endpoint` key; `serviceName` is always written ("" when
 *   unknown), as the V1 schema requires it.
 * - Address annotations (`sa`, `ca`, `ma`) carry `"value":true`, a JSON boolean: that is what the
 *   schema's own description and Zipkin's V1 reader expect (a string "true" would become a tag).
 * - `debug` is written only when true, as V1SpanWriter does.
 */
export class JsonV1SpanBytesEncoder implements SpanBytesEncoder {
  readonly encoding = 'JSON_V1';
  readonly contentType = 'application/json';
  readonly path = '/api/v1/spans';
  readonly messageOverheadBytes = JSON_LIST_OVERHEAD_BYTES;

  encodeSpan(span: ZipkinSpan): Buffer {
    return Buffer.from(toJsonV1(toZipkinV1Span(span)), 'utf8');
  }

  encodeMessage(encodedSpans: readonly Buffer[]): Buffer {
    return encodeJsonList(encodedSpans);
  }

  sizeInMessage(encodedSpanBytes: number): number {
    return jsonSizeInList(encodedSpanBytes);
  }
}

function toJsonV1(span: V1Span): string {
  const endpoint = endpointMemo();
  let json = `{"traceId":${jsonString((span.traceIdHigh ?? '') + span.traceId)}`;
  if (span.parentId !== undefined) json += `,"parentId":${jsonString(span.parentId)}`;
  json += `,"id":${jsonString(span.id)},"name":${jsonString(span.name)}`;
  if (span.timestamp !== undefined) json += `,"timestamp":${span.timestamp}`;
  if (span.duration !== undefined) json += `,"duration":${span.duration}`;
  if (span.annotations.length > 0) {
    const annotations = span.annotations.map(({ timestamp, value, host }) =>
      `{"timestamp":${timestamp},"value":${jsonString(value)}${endpoint(host)}}`);
    json += `,"annotations":[${annotations.join(',')}]`;
  }
  if (span.binaryAnnotations.length > 0) {
    const binaryAnnotations = span.binaryAnnotations.map((annotation) => {
      const value = annotation.type === 'BOOL' ? 'true' : jsonString(annotation.value);
      return `{"key":${jsonString(annotation.key)},"value":${value}${endpoint(annotation.host)}}`;
    });
    json += `,"binaryAnnotations":[${binaryAnnotations.join(',')}]`;
  }
  if (span.debug === true) json += ',"debug":true';
  return `${json}}`;
}

/** `,"endpoint":{…}` per host; the local endpoint repeats on every annotation, so it is built once. */
function endpointMemo(): (host: V1Endpoint | undefined) => string {
  const built = new Map<V1Endpoint, string>();
  return (host) => {
    if (host === undefined) return '';
    let json = built.get(host);
    if (json === undefined) built.set(host, (json = `,"endpoint":${endpointJson(host)}`));
    return json;
  };
}
