/**
 * The Zipkin V2 span model (zipkin2-api.yaml). Every encoding (V2 JSON, V2 proto3, V1 JSON, V1 Thrift)
 * is derived from this one shape, so all four carry the same content.
 */
export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface ZipkinEndpoint {
  readonly serviceName?: string;
  /** Dotted quad, e.g. 10.0.0.1. */
  readonly ipv4?: string;
  /** Text form, e.g. ::1. */
  readonly ipv6?: string;
  /** 1..65535; absent when unknown (V2 forbids port 0). */
  readonly port?: number;
}

export interface ZipkinAnnotation {
  /** Epoch microseconds. */
  readonly timestamp: number;
  readonly value: string;
}

export interface ZipkinSpan {
  /** 16 or 32 lower-hex characters: a 64-bit trace id keeps its length. */
  readonly traceId: string;
  /** 16 lower-hex characters. */
  readonly id: string;
  /** 16 lower-hex characters; absent on a root span. */
  readonly parentId?: string;
  /** Lowercase by Zipkin convention; absent when unknown. */
  readonly name?: string;
  /** Absent on a local span. */
  readonly kind?: ZipkinKind;
  /** Epoch microseconds. */
  readonly timestamp?: number;
  /** Microseconds, at least 1. */
  readonly duration?: number;
  readonly debug?: boolean;
  readonly shared?: boolean;
  readonly localEndpoint?: ZipkinEndpoint;
  readonly remoteEndpoint?: ZipkinEndpoint;
  readonly annotations?: readonly ZipkinAnnotation[];
  readonly tags?: Readonly<Record<string, string>>;
}
