import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ZipkinSpan } from '../../libs/tracing/src/zipkin/zipkin-span';

/**
 * A stand-in for the mesh's ingress gateway that behaves like Envoy's Zipkin tracer: it answers, and
 * reports its own SERVER span as a child of the X-B3-SpanId it received (Istio: shared_span_context off).
 */
export class MeshIngress {
  readonly received: IncomingHttpHeaders[] = [];
  private readonly server: Server;

  constructor(private readonly collectorSpansUrl: string) {
    this.server = createServer((req, res) => {
      const started = Date.now() * 1000;
      this.received.push(req.headers);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>productpage for ${req.url ?? ''}</body></html>\n`);
        this.report(req.headers, req.method ?? 'GET', req.url ?? '/', started);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server.close();
  }

  private report(headers: IncomingHttpHeaders, method: string, url: string, started: number): void {
    const sampled = headers['x-b3-sampled'] === '1' || headers['x-b3-flags'] === '1';
    if (!sampled || typeof headers['x-b3-traceid'] !== 'string' || typeof headers['x-b3-spanid'] !== 'string') return;
    const span: ZipkinSpan = {
      traceId: headers['x-b3-traceid'],
      id: randomBytes(8).toString('hex'),
      parentId: headers['x-b3-spanid'],
      name: `${method.toLowerCase()} ${url.split('?')[0]}`,
      kind: 'SERVER',
      timestamp: started,
      duration: Math.max(1, Date.now() * 1000 - started),
      localEndpoint: { serviceName: 'istio-ingressgateway' },
      tags: { 'http.status_code': '200', 'guid:x-request-id': String(headers['x-request-id']) },
    };
    postSpans(this.collectorSpansUrl, [span]);
  }
}

/** Fire-and-forget V2 JSON post, as a mesh sidecar would. */
export function postSpans(url: string, spans: readonly ZipkinSpan[]): void {
  const body = JSON.stringify(spans);
  request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => res.resume())
    .on('error', () => undefined)
    .end(body);
}
