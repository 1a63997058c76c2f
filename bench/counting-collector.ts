import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';

const gunzip = promisify(gunzipCallback);

/** TBinaryProtocol list header: element type STRUCT (0x0C), then the element count as a big-endian i32. */
const THRIFT_STRUCT = 0x0c;

export interface CollectorCounts {
  readonly messages: number;
  readonly spans: number;
  /** Bytes as received (gzipped when the reporter gzips). */
  readonly wireBytes: number;
  /** Bodies that were neither a Thrift struct list nor a JSON array. */
  readonly decodeErrors: number;
  readonly firstDecodeError?: string;
}

/** Spans in one V2/V1 JSON array or V1 Thrift list; throws on anything else. */
export function countSpans(contentType: string, body: Buffer): number {
  if (contentType.startsWith('application/x-thrift')) {
    if (body.length < 5 || body[0] !== THRIFT_STRUCT) throw new Error(`not a Thrift struct list (first byte 0x${(body[0] ?? 0).toString(16)})`);
    return body.readInt32BE(1);
  }
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!Array.isArray(parsed)) throw new Error('JSON body is not an array');
  return parsed.filter((span: unknown) => typeof span === 'object' && span !== null && 'traceId' in span).length;
}

/** A Zipkin collector stand-in that answers 202 and only counts: it keeps no span, however long the run. */
export class CountingCollector {
  private messages = 0;
  private spans = 0;
  private wireBytes = 0;
  private decodeErrors = 0;
  private firstDecodeError?: string;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => {
      response.writeHead(202).end();
      void this.count(request, Buffer.concat(chunks));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  counts(): CollectorCounts {
    const { messages, spans, wireBytes, decodeErrors, firstDecodeError } = this;
    return { messages, spans, wireBytes, decodeErrors, ...(firstDecodeError !== undefined && { firstDecodeError }) };
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private async count(request: IncomingMessage, wire: Buffer): Promise<void> {
    this.messages += 1;
    this.wireBytes += wire.length;
    try {
      const body = request.headers['content-encoding'] === 'gzip' ? await gunzip(wire) : wire;
      this.spans += countSpans(request.headers['content-type'] ?? '', body);
    } catch (error) {
      this.decodeErrors += 1;
      this.firstDecodeError ??= error instanceof Error ? error.message : String(error);
    }
  }
}
