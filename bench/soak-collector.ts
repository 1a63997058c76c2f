import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';

const gunzip = promisify(gunzipCallback);

/**
 * A V2 JSON collector for long runs: answers 202, keeps only a span count per trace id (no bodies), and
 * can go down (port refuses) and come back on the same port.
 */
export class SoakCollector {
  private readonly spansByTrace = new Map<string, number>();
  private server: Server = this.createServer();
  private port = 0;
  decodeErrors = 0;
  messages = 0;

  async start(): Promise<string> {
    this.port = await this.listen(0);
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spans received for a trace id. */
  spansOf(traceId: string): number {
    return this.spansByTrace.get(traceId) ?? 0;
  }

  get totalSpans(): number {
    let total = 0;
    for (const count of this.spansByTrace.values()) total += count;
    return total;
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  async up(): Promise<void> {
    this.server = this.createServer();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.down();
  }

  private createServer(): Server {
    return createServer((request, response) => this.handle(request, response));
  }

  private listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => void this.record(request, Buffer.concat(chunks)).finally(() => response.writeHead(202).end()));
  }

  /** Counted before the 202 leaves: a span the reporter counts as sent is always counted here. */
  private async record(request: IncomingMessage, wire: Buffer): Promise<void> {
    this.messages += 1;
    try {
      const body = request.headers['content-encoding'] === 'gzip' ? await gunzip(wire) : wire;
      for (const span of JSON.parse(body.toString('utf8')) as Array<{ traceId: string }>) {
        this.spansByTrace.set(span.traceId, (this.spansByTrace.get(span.traceId) ?? 0) + 1);
      }
    } catch {
      this.decodeErrors += 1;
    }
  }
}
