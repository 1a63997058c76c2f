import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-server';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly bodyBytes: number;
}

/** 1 KiB of JSON-ish text: the body size the benchmark uses. */
export const KIB_BODY = Buffer.from(`{"data":"${'x'.repeat(1012)}"}\n`);

/**
 * A real HTTP upstream on loopback standing in for the mesh's ingress gateway. It records every request
 * (after reading its body) and behaves by path:
 *   /status/<code>     answers that status        /hang             never answers
 *   /reset             destroys the connection     /stall-body       sends headers and 1 chunk, then stalls
 *   /download/<bytes>  streams that many bytes     /upload           answers {bytes, sha256} of the body
 *   /slow/<ms>         answers after ms            /kib              answers the 1 KiB body
 *   anything else      answers 200 {"method","url"}
 */
export class StandInUpstream extends LoopbackHttpServer {
  readonly requests: ReceivedRequest[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  waitForRequests(count: number, timeoutMs = 5000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`upstream saw ${this.requests.length} of ${count} requests`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  protected override handle(request: IncomingMessage, response: ServerResponse): void {
    const hash = createHash('sha256');
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      hash.update(chunk);
    });
    request.on('end', () => {
      this.record({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, rawHeaders: request.rawHeaders, bodyBytes });
      this.behave(request.url ?? '/', response, { bodyBytes, sha256: hash.digest('hex') });
    });
  }

  private record(received: ReceivedRequest): void {
    this.requests.push(received);
    const ready = this.waiters.filter((w) => this.requests.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.requests.length < w.count);
    ready.forEach((w) => w.resolve());
  }

  private behave(url: string, response: ServerResponse, body: { bodyBytes: number; sha256: string }): void {
    const path = url.split('?')[0];
    const [, first = '', arg = ''] = path.split('/');
    switch (first) {
      case 'status':
        return void response.writeHead(Number(arg), { 'content-type': 'application/json' }).end(JSON.stringify({ status: Number(arg) }));
      case 'hang':
        return;
      case 'reset':
        return void response.socket?.destroy();
      case 'stall-body':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return void response.write('first chunk\n');
      case 'download':
        return this.download(response, Number(arg));
      case 'upload':
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: body.bodyBytes, sha256: body.sha256 }));
      case 'slow':
        return void setTimeout(() => response.writeHead(200).end('slow\n'), Number(arg));
      case 'kib':
        return void response.writeHead(200, { 'content-type': 'application/json', 'content-length': KIB_BODY.length }).end(KIB_BODY);
      default:
        return void response
          .writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-upstream': 'stand-in' })
          .end(JSON.stringify({ method: response.req.method, url }));
    }
  }

  /** Streams `total` bytes with backpressure, so a large download never sits in memory here either. */
  private download(response: ServerResponse, total: number): void {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    const pump = (): void => {
      while (sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!response.write(piece)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  }
}
