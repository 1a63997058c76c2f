import type { SpanBytesEncoder } from '../span-bytes-encoder';
import type { ZipkinSpan } from '../zipkin-span';
import { JSON_LIST_OVERHEAD_BYTES, JsonWriter, encodeJsonList, jsonSizeInList, writeEndpoint } from './json-writing';
import { LastEncoded } from './last-encoded';
import type { V1Annotation, V1BinaryAnnotation, V1Endpoint, V1Span } from './v1-span';
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
  private readonly writer = new JsonWriter();
  /** The host of annotations and tags: the local endpoint, one object for the process (toZipkinV1Span). */
  private readonly localHost = new LastEncoded<V1Endpoint, JsonWriter>(writeHost);

  encodeSpan(span: ZipkinSpan): Buffer {
    const w = this.writer;
    w.reset();
    writeSpan(w, toZipkinV1Span(span), this.localHost);
    return w.finish();
  }

  encodeMessage(encodedSpans: readonly Buffer[]): Buffer {
    return encodeJsonList(encodedSpans);
  }

  sizeInMessage(encodedSpanBytes: number): number {
    return jsonSizeInList(encodedSpanBytes);
  }
}

function writeSpan(w: JsonWriter, span: V1Span, localHost: LastEncoded<V1Endpoint, JsonWriter>): void {
  w.raw('{"traceId":');
  if (span.traceIdHigh === undefined) w.string(span.traceId);
  else w.joinedString(span.traceIdHigh, span.traceId);
  if (span.parentId !== undefined) {
    w.raw(',"parentId":');
    w.string(span.parentId);
  }
  w.raw(',"id":');
  w.string(span.id);
  w.raw(',"name":');
  w.string(span.name);
  if (span.timestamp !== undefined) {
    w.raw(',"timestamp":');
    w.number(span.timestamp);
  }
  if (span.duration !== undefined) {
    w.raw(',"duration":');
    w.number(span.duration);
  }
  writeAnnotations(w, span.annotations, localHost);
  writeBinaryAnnotations(w, span.binaryAnnotations, localHost);
  if (span.debug === true) w.raw(',"debug":true');
  w.raw('}');
}

/** Their host is the local endpoint: its bytes are written once and copied after that. */
function writeAnnotations(w: JsonWriter, annotations: readonly V1Annotation[], localHost: LastEncoded<V1Endpoint, JsonWriter>): void {
  for (let i = 0; i < annotations.length; i++) {
    const annotation = annotations[i];
    w.raw(i === 0 ? ',"annotations":[{"timestamp":' : ',{"timestamp":');
    w.number(annotation.timestamp);
    w.raw(',"value":');
    w.string(annotation.value);
    if (annotation.host !== undefined) localHost.write(w, annotation.host);
    w.raw('}');
  }
  if (annotations.length > 0) w.raw(']');
}

/** Tags carry the local endpoint; an address annotation the remote one, written as it comes. */
function writeBinaryAnnotations(w: JsonWriter, binaryAnnotations: readonly V1BinaryAnnotation[], localHost: LastEncoded<V1Endpoint, JsonWriter>): void {
  for (let i = 0; i < binaryAnnotations.length; i++) {
    const annotation = binaryAnnotations[i];
    w.raw(i === 0 ? ',"binaryAnnotations":[{"key":' : ',{"key":');
    w.string(annotation.key);
    if (annotation.type === 'BOOL') {
      w.raw(',"value":true');
      if (annotation.host !== undefined) writeHost(w, annotation.host);
    } else {
      w.raw(',"value":');
      w.string(annotation.value);
      if (annotation.host !== undefined) localHost.write(w, annotation.host);
    }
    w.raw('}');
  }
  if (binaryAnnotations.length > 0) w.raw(']');
}

/** `,"endpoint":{…}`. */
function writeHost(w: JsonWriter, host: V1Endpoint): void {
  w.raw(',"endpoint":');
  writeEndpoint(w, host);
}
