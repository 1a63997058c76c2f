import type { SpanBytesEncoder } from '../span-bytes-encoder';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinSpan } from '../zipkin-span';
import { JSON_LIST_OVERHEAD_BYTES, JsonWriter, encodeJsonList, jsonSizeInList, writeEndpoint } from './json-writing';
import { LastEncoded } from './last-encoded';
import { toWireEndpoint } from './wire-ids';

/**
 * JSON_V2 (zipkin2-api.yaml Span), keys in the order Zipkin's V2SpanWriter writes them; empty or
 * absent fields are omitted and only the model's keys are written.
 *
 * Written into a scratch buffer (JsonWriter: strings escaped as JSON.stringify escapes them) rather than
 * built as a string and copied by Buffer.from: the string cost ~3 KB of garbage per span. The local
 * endpoint, the same object on every span, is encoded once and its bytes are copied after that.
 */
export class JsonV2SpanBytesEncoder implements SpanBytesEncoder {
  readonly encoding = 'JSON_V2';
  readonly contentType = 'application/json';
  readonly path = '/api/v2/spans';
  readonly messageOverheadBytes = JSON_LIST_OVERHEAD_BYTES;
  private readonly writer = new JsonWriter();
  private readonly localEndpoint = new LastEncoded(writeLocalEndpoint);

  encodeSpan(span: ZipkinSpan): Buffer {
    const w = this.writer;
    w.reset();
    w.raw('{"traceId":');
    w.string(span.traceId);
    if (span.parentId !== undefined) {
      w.raw(',"parentId":');
      w.string(span.parentId);
    }
    w.raw(',"id":');
    w.string(span.id);
    if (span.kind !== undefined) {
      w.raw(',"kind":"');
      w.raw(span.kind);
      w.raw('"');
    }
    if (span.name) {
      w.raw(',"name":');
      w.string(span.name);
    }
    if (span.timestamp) {
      w.raw(',"timestamp":');
      w.number(span.timestamp);
    }
    if (span.duration) {
      w.raw(',"duration":');
      w.number(span.duration);
    }
    if (span.localEndpoint !== undefined) this.localEndpoint.write(w, span.localEndpoint);
    writeEndpointField(w, ',"remoteEndpoint":', span.remoteEndpoint);
    writeAnnotations(w, span.annotations);
    writeTags(w, span.tags);
    if (span.debug === true) w.raw(',"debug":true');
    if (span.shared === true) w.raw(',"shared":true');
    w.raw('}');
    return w.finish();
  }

  encodeMessage(encodedSpans: readonly Buffer[]): Buffer {
    return encodeJsonList(encodedSpans);
  }

  sizeInMessage(encodedSpanBytes: number): number {
    return jsonSizeInList(encodedSpanBytes);
  }
}

function writeLocalEndpoint(w: JsonWriter, endpoint: ZipkinEndpoint): void {
  writeEndpointField(w, ',"localEndpoint":', endpoint);
}

/** Nothing when the endpoint is absent or nothing of it survives toWireEndpoint. */
function writeEndpointField(w: JsonWriter, key: string, endpoint: ZipkinEndpoint | undefined): void {
  const wire = toWireEndpoint(endpoint);
  if (wire === undefined) return;
  w.raw(key);
  writeEndpoint(w, wire);
}

function writeAnnotations(w: JsonWriter, annotations: readonly ZipkinAnnotation[] | undefined): void {
  if (annotations === undefined || annotations.length === 0) return;
  for (let i = 0; i < annotations.length; i++) {
    w.raw(i === 0 ? ',"annotations":[{"timestamp":' : ',{"timestamp":');
    w.number(annotations[i].timestamp);
    w.raw(',"value":');
    w.string(annotations[i].value);
    w.raw('}');
  }
  w.raw(']');
}

function writeTags(w: JsonWriter, tags: Readonly<Record<string, string>> | undefined): void {
  if (tags === undefined) return;
  let first = true;
  // Own keys in Object.keys order, without the array Object.keys allocates.
  for (const key in tags) {
    if (!Object.hasOwn(tags, key)) continue;
    w.raw(first ? ',"tags":{' : ',');
    w.string(key);
    w.raw(':');
    w.string(tags[key]);
    first = false;
  }
  if (!first) w.raw('}');
}
