import type { SpanBytesEncoder } from '../span-bytes-encoder';
import { JsonV1SpanBytesEncoder } from './json-v1.encoder';
import { JsonV2SpanBytesEncoder } from './json-v2.encoder';
import { Proto3SpanBytesEncoder } from './proto3.encoder';
import { ThriftSpanBytesEncoder } from './thrift.encoder';

export type ZipkinApiVersion = 'v1' | 'v2';
export type ZipkinWireEncoding = 'json' | 'thrift' | 'proto3';

/** The collector API version and encoding asked for do not exist together. */
export class UnsupportedZipkinEncodingError extends Error {
  override readonly name = 'UnsupportedZipkinEncodingError';

  constructor(
    readonly apiVersion: ZipkinApiVersion,
    readonly encoding: ZipkinWireEncoding,
  ) {
    super(`Zipkin API ${apiVersion} has no ${encoding} encoding: ${SUPPORTED[apiVersion]}`);
  }
}

const SUPPORTED: Readonly<Record<ZipkinApiVersion, string>> = {
  v1: 'v1 takes json or thrift (proto3 exists only for v2)',
  v2: 'v2 takes json or proto3 (thrift exists only for v1)',
};

/** Encoders are stateless between calls: one instance of each serves the whole process. */
const ENCODERS: Readonly<Record<ZipkinApiVersion, Partial<Record<ZipkinWireEncoding, () => SpanBytesEncoder>>>> = {
  v1: { json: once(() => new JsonV1SpanBytesEncoder()), thrift: once(() => new ThriftSpanBytesEncoder()) },
  v2: { json: once(() => new JsonV2SpanBytesEncoder()), proto3: once(() => new Proto3SpanBytesEncoder()) },
};

/** The encoder for a collector's API version and encoding (zipkin-reporter's JSON_V1, THRIFT, JSON_V2, PROTO3). */
export function spanBytesEncoderFor(apiVersion: ZipkinApiVersion, encoding: ZipkinWireEncoding): SpanBytesEncoder {
  const encoder = ENCODERS[apiVersion][encoding];
  if (encoder === undefined) throw new UnsupportedZipkinEncodingError(apiVersion, encoding);
  return encoder();
}

function once<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => (instance ??= create());
}
