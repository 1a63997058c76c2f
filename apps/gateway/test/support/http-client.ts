import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: string;
}

export interface HttpCall {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Buffer | Readable;
}

/** One request on a fresh connection (no pooling between test requests), body read as text. */
export function send(url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: call.method ?? 'GET', headers: call.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    const body = call.body;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Writes bytes exactly as given on a new TCP connection and returns what came back until close or `waitMs`. */
export function sendRaw(port: number, bytes: string, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes, 'latin1');
  });
}

/**
 * Writes `head` at once, then `rest` one piece every `everyMs` (a slow client), until the server closes the
 * connection or `deadlineMs` passes; returns what came back, when, and how many pieces went out.
 */
export function trickle(port: number, head: string, rest: readonly string[], everyMs: number, deadlineMs: number): Promise<{ answer: string; elapsedMs: number; piecesSent: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let piecesSent = 0;
    const pump = setInterval(() => {
      if (piecesSent < rest.length && socket.writable) socket.write(rest[piecesSent++], 'latin1');
    }, everyMs);
    const deadline = setTimeout(() => socket.destroy(), deadlineMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearInterval(pump);
      clearTimeout(deadline);
      resolve({ answer, elapsedMs: performance.now() - started, piecesSent });
    });
    socket.write(head, 'latin1');
  });
}

/** The status code of a raw HTTP answer. */
export function statusOf(rawAnswer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(rawAnswer)?.[1] ?? 0);
}
