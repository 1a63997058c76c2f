import type { ZipkinEndpoint } from '../zipkin-span';

/**
 * JSON pieces shared by the V1 and V2 JSON encoders. Strings go through JSON.stringify, so V8's
 * escaping (quotes, control characters, lone surrogates) applies to every name, key and value.
 */
export const jsonString: (value: string) => string = JSON.stringify;

/** `{"serviceName":…,"ipv4":…,"ipv6":…,"port":…}` with the fields present, in Zipkin's order. */
export function endpointJson(endpoint: ZipkinEndpoint): string {
  let json = '';
  if (endpoint.serviceName !== undefined) json += `,"serviceName":${jsonString(endpoint.serviceName)}`;
  if (endpoint.ipv4 !== undefined) json += `,"ipv4":${jsonString(endpoint.ipv4)}`;
  if (endpoint.ipv6 !== undefined) json += `,"ipv6":${jsonString(endpoint.ipv6)}`;
  if (endpoint.port !== undefined) json += `,"port":${endpoint.port}`;
  return `{${json.slice(1)}}`;
}

/** `[` and `]`. */
export const JSON_LIST_OVERHEAD_BYTES = 2;

/**
 * A span plus the comma that joins it to the next one. The first span of a message has no comma,
 * so `JSON_LIST_OVERHEAD_BYTES + Σ jsonSizeInList(n)` is an upper bound, one byte over the real
 * size for a non-empty list (exact for an empty one), as zipkin-reporter's JSON message encoder.
 */
export function jsonSizeInList(encodedSpanBytes: number): number {
  return encodedSpanBytes + 1;
}

/** A JSON array of already-encoded JSON values. */
export function encodeJsonList(encodedSpans: readonly Buffer[]): Buffer {
  let size = JSON_LIST_OVERHEAD_BYTES + Math.max(encodedSpans.length - 1, 0);
  for (const span of encodedSpans) size += span.length;
  const message = Buffer.allocUnsafe(size);
  let offset = 0;
  message[offset++] = 0x5b; // [
  encodedSpans.forEach((span, i) => {
    if (i > 0) message[offset++] = 0x2c; // ,
    offset += span.copy(message, offset);
  });
  message[offset] = 0x5d; // ]
  return message;
}
