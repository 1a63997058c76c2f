import { JsonV1SpanBytesEncoder } from './json-v1.encoder';
import { JsonV2SpanBytesEncoder } from './json-v2.encoder';
import { Proto3SpanBytesEncoder } from './proto3.encoder';
import type { ZipkinApiVersion, ZipkinWireEncoding } from './span-bytes-encoders';
import { UnsupportedZipkinEncodingError, spanBytesEncoderFor } from './span-bytes-encoders';
import { ThriftSpanBytesEncoder } from './thrift.encoder';

describe(spanBytesEncoderFor.name, () => {
  it.each<[ZipkinApiVersion, ZipkinWireEncoding, new () => object, string, string]>([
    ['v1', 'json', JsonV1SpanBytesEncoder, 'JSON_V1', '/api/v1/spans'],
    ['v1', 'thrift', ThriftSpanBytesEncoder, 'THRIFT', '/api/v1/spans'],
    ['v2', 'json', JsonV2SpanBytesEncoder, 'JSON_V2', '/api/v2/spans'],
    ['v2', 'proto3', Proto3SpanBytesEncoder, 'PROTO3', '/api/v2/spans'],
  ])('should give %s + %s the %p encoder', (apiVersion, encoding, type, name, path) => {
    const encoder = spanBytesEncoderFor(apiVersion, encoding);

    expect(encoder).toBeInstanceOf(type);
    expect({ encoding: encoder.encoding, path: encoder.path }).toEqual({ encoding: name, path });
    expect(spanBytesEncoderFor(apiVersion, encoding)).toBe(encoder);
  });

  it.each<[ZipkinApiVersion, ZipkinWireEncoding, string]>([
    ['v1', 'proto3', 'Zipkin API v1 has no proto3 encoding: v1 takes json or thrift (proto3 exists only for v2)'],
    ['v2', 'thrift', 'Zipkin API v2 has no thrift encoding: v2 takes json or proto3 (thrift exists only for v1)'],
  ])('should refuse %s + %s with an UnsupportedZipkinEncodingError', (apiVersion, encoding, message) => {
    const call = (): unknown => spanBytesEncoderFor(apiVersion, encoding);

    expect(call).toThrow(UnsupportedZipkinEncodingError);
    expect(call).toThrow(message);
  });
});
