import { loadSync } from 'protobufjs';
import { Root } from 'protobufjs/light';
import { zipkinApiFile } from './testing/zipkin-api-files';
import { ZIPKIN_PROTO3_DESCRIPTOR } from './zipkin-proto3-descriptor';

describe('ZIPKIN_PROTO3_DESCRIPTOR', () => {
  const published = loadSync(zipkinApiFile('zipkin.proto'));
  const embedded = Root.fromJSON(ZIPKIN_PROTO3_DESCRIPTOR);

  it.each(['Span', 'Endpoint', 'Annotation', 'ListOfSpans'])('should describe %s exactly as the published zipkin.proto', (name) => {
    const fullName = `zipkin.proto3.${name}`;
    // protoName only records the .proto spelling (trace_id) of a field; it does not change the bytes.
    const withoutProtoNames = (json: unknown): unknown =>
      JSON.parse(JSON.stringify(json, (key, value: unknown) => (key === 'protoName' ? undefined : value)));
    expect(withoutProtoNames(embedded.lookupType(fullName).toJSON()))
      .toEqual(withoutProtoNames(published.lookupType(fullName).toJSON()));
  });
});
