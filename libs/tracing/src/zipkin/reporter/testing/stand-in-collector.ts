import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';

import { listenOutsideEphemeralRange } from './port-outside-ephemeral-range';
import { zipkinServerAnswer } from './zipkin-server-rules';

const gunzip = promisify(gunzipCallback);

/** How the stand-in answers one request. */
export type CollectorBehaviour =
  /** `delayMs` holds the answer back, so a client's concurrency becomes observable. */
  | { readonly kind: 'answer'; readonly status: number; readonly body?: string; readonly delayMs?: number }
  /** Reads the request and never answers (until close()). */
  | { readonly kind: 'hang' }
  /** Reads the request, then destroys the socket without an answer. */
  | { readonly kind: 'reset' }
  /** Answers as a Zipkin server does: 202 only for the right path + Content-Type + body version. */
  | { readonly kind: 'zipkin' }
  /** Sends `status` and its headers, then `bodyBytes` of body as fast as the client reads, or stalls (no bytes, never ends). */
  | { readonly kind: 'stream'; readonly status: number; readonly bodyBytes: number | 'stall' };

/** The answers real collectors give; `reject` is what Zipkin says for the wrong encoding on a path. */
export const COLLECTOR_BEHAVIOURS = {
  accept: { kind: 'answer', status: 202 },
  reject: { kind: 'answer', status: 400, body: 'Expected a JSON_V1 encoded list, but received: JSON_V2\n' },
  throttle: { kind: 'answer', status: 429, body: 'Too Many Requests' },
  fail: { kind: 'answer', status: 500, body: 'Internal Server Error' },
  hang: { kind: 'hang' },
  reset: { kind: 'reset' },
  zipkin: { kind: 'zipkin' },
  /** A 2xx status line, then a body that never comes: the message was delivered. */
  acceptThenStall: { kind: 'stream', status: 202, bodyBytes: 'stall' },
  /** A 500 with a 200 MiB body: a client that reads it all burns CPU for nothing. */
  failHuge: { kind: 'stream', status: 500, bodyBytes: 200 * 1024 * 1024 },
} as const satisfies Record<string, CollectorBehaviour>;

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as the collector reads it: gunzipped when `Content-Encoding: gzip`. */
  readonly body: Buffer;
  /** The body as it came over the wire. */
  readonly rawBody: Buffer;
  readonly behaviour: CollectorBehaviour;
  /** The client's port: equal on two requests when a keep-alive socket was reused. */
  readonly remotePort: number;
}

export type RequestsPredicate = (requests: readonly ReceivedRequest[]) => boolean;

/**
 * A Zipkin collector on 127.0.0.1 and a random port, for tests and benchmarks: records every request,
 * answers as told (a mode, or a queue of one-off answers consumed first), can go down and come back.
 */
export class StandInCollector {
  readonly requests: ReceivedRequest[] = [];
  private mode: CollectorBehaviour = COLLECTOR_BEHAVIOURS.accept;
  private readonly nextAnswers: CollectorBehaviour[] = [];
  private readonly listeners = new Set<() => void>();
  private active = 0;
  private maxActive = 0;

  /** Body bytes written by `stream` answers, per request, once their connection closed. */
  readonly streamedBytes: number[] = [];
  private server = createServer((req, res) => this.handle(req, res));
  private port = 0;

  private constructor() {}

  static async start(): Promise<StandInCollector> {
    const collector = new StandInCollector();
    // down() then up() reuses the port: it must not be one the kernel hands to another server meanwhile.
    collector.port = await listenOutsideEphemeralRange(collector.server);
    return collector;
  }

  /** Base URL, no path. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** URL of a path on this collector, e.g. `/adapt_token/api/v2/spans`. */
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Most requests that were being handled (received, not yet answered or reset) at the same time. */
  get maxConcurrentRequests(): number {
    return this.maxActive;
  }

  /** Answer every request (after queued one-off answers) this way. */
  setMode(behaviour: CollectorBehaviour): void {
    this.mode = behaviour;
  }

  /** Answer the next requests this way, one behaviour each, in order. */
  answerNext(...behaviours: CollectorBehaviour[]): void {
    this.nextAnswers.push(...behaviours);
  }

  /** Forgets the requests received so far (long benchmarks), keeping mode and queued answers. */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Resolves with the requests once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(predicate: RequestsPredicate, timeoutMs: number): Promise<readonly ReceivedRequest[]> {
    if (predicate(this.requests)) return Promise.resolve(this.requests);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.requests)) return;
        cleanup();
        resolve(this.requests);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`StandInCollector.waitFor: not satisfied within ${timeoutMs} ms (${this.requests.length} requests received)`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  /** Stop listening and cut every connection: the port refuses connections until up(). */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listen again on the same port. */
  async up(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await listen(this.server, this.port);
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.down();
    this.listeners.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    let finished = false;
    const finish = (): void => {
      if (!finished) this.active -= 1;
      finished = true;
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void this.record(req, res, Buffer.concat(chunks), finish));
  }

  private async record(req: IncomingMessage, res: ServerResponse, rawBody: Buffer, finish: () => void): Promise<void> {
    const gzipped = req.headers['content-encoding'] === 'gzip';
    const body = gzipped ? await gunzip(rawBody).catch(() => rawBody) : rawBody;
    const behaviour = this.nextAnswers.shift() ?? this.mode;
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, rawBody, behaviour, remotePort: req.socket.remotePort ?? 0 });
    for (const listener of [...this.listeners]) listener();
    if (behaviour.kind === 'reset') {
      finish();
      req.socket.destroy();
    } else if (behaviour.kind === 'zipkin') {
      const answer = zipkinServerAnswer(req.url ?? '', req.headers['content-type'], body);
      finish();
      res.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(answer.body);
    } else if (behaviour.kind === 'answer') {
      const answer = (): void => {
        // Counted as done before the answer leaves: a client never appears more concurrent than it was.
        finish();
        if (!res.destroyed) res.writeHead(behaviour.status, { 'Content-Type': 'text/plain' }).end(behaviour.body ?? '');
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs).unref();
      else answer();
    } else if (behaviour.kind === 'stream') {
      finish();
      this.stream(res, behaviour.status, behaviour.bodyBytes);
    }
  }

  private stream(res: ServerResponse, status: number, bodyBytes: number | 'stall'): void {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.flushHeaders();
    let written = 0;
    res.once('close', () => this.streamedBytes.push(written));
    if (bodyBytes === 'stall') return;
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const pump = (): void => {
      while (!res.destroyed && written < bodyBytes) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
