import { SpanKind, type Attributes } from '@opentelemetry/api';
import { toOtlpAttributes } from './to-otlp-span';

describe(toOtlpAttributes.name, () => {
  it.each<[string, SpanKind, Attributes, Attributes]>([
    [
      'a SERVER span under semantic-convention names, the caller as client.address/port',
      SpanKind.SERVER,
      { 'http.method': 'GET', 'http.path': '/a/1', 'http.route': '/a/{id}', 'http.status_code': '200', 'network.peer.address': '10.0.0.9', 'network.peer.port': 5000 },
      {
        'http.request.method': 'GET', 'url.path': '/a/1', 'http.route': '/a/{id}', 'http.response.status_code': 200,
        'network.peer.address': '10.0.0.9', 'network.peer.port': 5000, 'client.address': '10.0.0.9', 'client.port': 5000,
      },
    ],
    [
      'a CLIENT span with the upstream host as server.address and its port as server.port',
      SpanKind.CLIENT,
      { 'http.method': 'POST', 'http.path': '/x', 'peer.service': 'orders', 'server.address': 'orders.mesh', 'network.peer.port': 8080 },
      { 'http.request.method': 'POST', 'url.path': '/x', 'peer.service': 'orders', 'server.address': 'orders.mesh', 'network.peer.port': 8080, 'server.port': 8080 },
    ],
    [
      'a CLIENT span to an IP upstream: the host name (here the IP) stays server.address',
      SpanKind.CLIENT,
      { 'server.address': '10.2.0.7', 'network.peer.address': '10.2.0.7', 'network.peer.port': 443 },
      { 'server.address': '10.2.0.7', 'network.peer.address': '10.2.0.7', 'network.peer.port': 443, 'server.port': 443 },
    ],
    ['an error reason as error.type', SpanKind.SERVER, { error: 'upstream timeout', 'http.status_code': '504' }, { 'error.type': 'upstream timeout', 'http.response.status_code': 504 }],
    ['a status code that is no integer kept as written', SpanKind.SERVER, { 'http.status_code': 'abc' }, { 'http.response.status_code': 'abc' }],
    ['debug sampling, request ids and header tags unchanged', SpanKind.SERVER, { 'zipkin.debug': true, 'guid:x-request-id': 'r1', tenant: 't1' }, { 'zipkin.debug': true, 'guid:x-request-id': 'r1', tenant: 't1' }],
    ['undefined values left out', SpanKind.SERVER, { 'network.peer.address': undefined, 'http.method': 'GET' }, { 'http.request.method': 'GET' }],
    ['an INTERNAL span without peer attributes', SpanKind.INTERNAL, { 'network.peer.address': '10.0.0.9' }, { 'network.peer.address': '10.0.0.9' }],
  ])('should map %s', (_case, kind, attributes, expected) => {
    expect(toOtlpAttributes(attributes, kind)).toEqual(expected);
  });
});
