/**
 * Attribute names the gateway sets on its spans. Tags use the names Zipkin users search by (the
 * zipkin-js / Brave HTTP conventions); endpoint attributes become remoteEndpoint, not tags.
 */
export const TAG = {
  httpMethod: 'http.method',
  httpPath: 'http.path',
  httpRoute: 'http.route',
  httpStatusCode: 'http.status_code',
  error: 'error',
  requestId: 'guid:x-request-id',
} as const;

export const ENDPOINT_ATTRIBUTE = {
  peerService: 'peer.service',
  /** The upstream's host name on a CLIENT span (OTLP's server.address; Zipkin has its IP or service name). */
  peerHost: 'server.address',
  peerAddress: 'network.peer.address',
  peerPort: 'network.peer.port',
} as const;
