import type { IMapField, INamespace } from 'protobufjs';

/** map<string, string> tags = 11 (a map field; IType's fields are typed as plain IField). */
const TAGS: IMapField = { keyType: 'string', type: 'string', id: 11 };

/**
 * zipkin.proto (openzipkin/zipkin-api, package zipkin.proto3) as a protobufjs JSON descriptor: the
 * Span, Endpoint, Annotation and ListOfSpans messages, embedded so the runtime reads no file.
 * zipkin-proto3-descriptor.spec.ts proves it equal to third_party/zipkin-api/zipkin.proto.
 */
export const ZIPKIN_PROTO3_DESCRIPTOR: INamespace = {
  nested: {
    zipkin: {
      nested: {
        proto3: {
          nested: {
            Span: {
              fields: {
                traceId: { type: 'bytes', id: 1 },
                parentId: { type: 'bytes', id: 2 },
                id: { type: 'bytes', id: 3 },
                kind: { type: 'Kind', id: 4 },
                name: { type: 'string', id: 5 },
                // timestamp is fixed64, duration a varint uint64 (zipkin.proto).
                timestamp: { type: 'fixed64', id: 6 },
                duration: { type: 'uint64', id: 7 },
                localEndpoint: { type: 'Endpoint', id: 8 },
                remoteEndpoint: { type: 'Endpoint', id: 9 },
                annotations: { rule: 'repeated', type: 'Annotation', id: 10 },
                tags: TAGS,
                debug: { type: 'bool', id: 12 },
                shared: { type: 'bool', id: 13 },
              },
              nested: {
                Kind: { values: { SPAN_KIND_UNSPECIFIED: 0, CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } },
              },
            },
            Endpoint: {
              fields: {
                serviceName: { type: 'string', id: 1 },
                ipv4: { type: 'bytes', id: 2 },
                ipv6: { type: 'bytes', id: 3 },
                port: { type: 'int32', id: 4 },
              },
            },
            Annotation: {
              fields: {
                timestamp: { type: 'fixed64', id: 1 },
                value: { type: 'string', id: 2 },
              },
            },
            ListOfSpans: {
              fields: {
                spans: { rule: 'repeated', type: 'Span', id: 1 },
              },
            },
          },
        },
      },
    },
  },
};
