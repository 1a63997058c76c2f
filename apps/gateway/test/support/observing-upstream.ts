import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-server';

/** What became of one request at the upstream: did its body arrive whole, did our answer go out whole. */
export interface ObservedExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  bodyBytes: number;
  /** `aborted`: the connection closed before the request body ended (the gateway gave up on it). */
  request: 'receiving' | 'complete' | 'aborted';
  /** `cut`: the connection closed before our response finished. */
  response: 'pending' | 'finished' | 'cut';
}

/** Chunks /drip sends at most (every DRIP_EVERY_MS): a bounded, 20-second response. */
const DRIP_CHUNKS = 400;
const DRIP_EVERY_MS = 50;

/**
 * An upstream that records the life cycle of every exchange, for the faults the stand-in upstream cannot
 * show: whether the gateway aborted our side when its client went away. By path:
 *   /drip             200, then 1 line every 50 ms for 20 s     /sink   reads the body, then answers {bytes}
 *   /cut-mid-body     200 with Content-Length 1000, 100 bytes, then the connection is destroyed
 *   /download/<bytes> 200 with that many bytes, written as fast as the gateway reads them
 *   /slow/<ms>        200 {"url"} after ms                       anything else     200 {"url"}
 */
export class ObservingUpstream extends LoopbackHttpServer {
  readonly exchanges: ObservedExchange[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  /** The exchange carrying this x-request-id, once it arrived. */
  byRequestId(requestId: string): ObservedExchange | undefined {
    return this.exchanges.find((exchange) => exchange.headers['x-request-id'] === requestId);
  }

  override async close(): Promise<void> {
    this.timers.forEach((timer) => clearInterval(timer));
    await super.close();
  }

  protected override handle(request: IncomingMessage, response: ServerResponse): void {
    const exchange: ObservedExchange = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, bodyBytes: 0, request: 'receiving', response: 'pending' };
    this.exchanges.push(exchange);
    request.on('data', (chunk: Buffer) => (exchange.bodyBytes += chunk.length));
    request.once('end', () => (exchange.request = 'complete'));
    request.once('close', () => {
      if (exchange.request === 'receiving') exchange.request = 'aborted';
    });
    response.once('close', () => (exchange.response = response.writableFinished ? 'finished' : 'cut'));
    const path = exchange.url.split('?')[0];
    if (path === '/sink') {
      request.once('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: exchange.bodyBytes })));
    } else if (path === '/drip') {
      this.drip(response);
    } else if (path.startsWith('/download/')) {
      request.resume();
      this.download(response, Number(path.slice('/download/'.length)));
    } else if (path.startsWith('/slow/')) {
      request.resume();
      const timer = setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: exchange.url })), Number(path.slice('/slow/'.length)));
      this.timers.add(timer);
      response.once('close', () => clearTimeout(timer));
    } else if (path === '/cut-mid-body') {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
      response.write('x'.repeat(100), () => response.socket?.destroy());
    } else {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: exchange.url }));
    }
  }

  /** Streams `total` bytes with backpressure: a client of the gateway that stops reading stalls this too. */
  private download(response: ServerResponse, total: number): void {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    const pump = (): void => {
      while (sent < total && !response.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!response.write(piece)) return void response.once('drain', pump);
      }
      if (!response.destroyed) response.end();
    };
    pump();
  }

  private drip(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/plain' });
    let sent = 0;
    const timer = setInterval(() => {
      sent += 1;
      if (response.destroyed || sent > DRIP_CHUNKS) {
        clearInterval(timer);
        this.timers.delete(timer);
        if (!response.destroyed) response.end();
        return;
      }
      response.write(`drip ${sent}\n`);
    }, DRIP_EVERY_MS);
    this.timers.add(timer);
  }
}
