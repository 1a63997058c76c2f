import * as http from 'node:http';
import type { Readable } from 'node:stream';
import * as https from 'node:https';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';
import { classifyResponse } from './retry-policy';
import { describeError, exportAgentOptions, parseExportUrl, preparePayload, validateExportHeaders } from './http-export';
import type { PrepareFunction, SendFunction, SendResult } from './send-result';

/**
 * Bytes of a collector's answer read at most: kept for the log; a longer answer is not read on (a collector
 * answering 200 MiB bodies would cost the gateway CPU for nothing): its connection is dropped instead.
 */
const ANSWER_KEEP_BYTES = 1024;

export interface ZipkinSenderOptions {
  /** Full collector URL, path included. A secret: it never appears in a result reason. */
  readonly endpointUrl: string;
  /** Sent exactly as given: some receivers compare Content-Type with `==`. */
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly gzip: boolean;
  /** Bounds the whole request (connect, upload, answer), not only socket idle time. */
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
}

export interface ZipkinSender {
  /** Once per message: gzips the body when configured, else passes it through. */
  readonly prepare: PrepareFunction;
  /** POSTs a prepared payload, declaring `Content-Encoding: gzip` when configured. */
  readonly send: SendFunction;
  /** Closes pooled keep-alive sockets. */
  close(): void;
}

/** Thrown at construction only (bad URL or header); the message never carries the URL or a header value. */
export class InvalidCollectorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCollectorOptionsError';
  }
}

/** The reporter's only network I/O: prepare a message body once, POST it per attempt, map the outcome to a SendResult. */
export function createZipkinSender(options: ZipkinSenderOptions): ZipkinSender {
  const invalid = (message: string): Error => new InvalidCollectorOptionsError(message);
  const url = parseExportUrl(options.endpointUrl, 'Zipkin collector URL', invalid);
  validateExportHeaders(options.headers, 'Zipkin collector', invalid);
  const agentOptions = exportAgentOptions(options.maxInFlight);
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  // One POST per batch: axios's cost does not matter here, and it brings what a gateway outside the mesh often
  // needs to reach a public collector: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment (CONNECT
  // tunnels for https collectors). The answer is streamed (read up to 1 KiB), never parsed or decompressed.
  const instance = axios.create({ httpAgent, httpsAgent, responseType: 'stream', decompress: false, maxRedirects: 0, validateStatus: () => true, transformRequest: [(data: unknown) => data] });
  // The same axios at runtime; TypeScript sees its CommonJS typings here and @nestjs/axios's ESM ones.
  const client = new HttpService(instance as unknown as HttpService['axiosRef']);
  const prepare = preparePayload(options.gzip);
  const send: SendFunction = (payload, signal) => {
    const headers: Record<string, string> = {
      ...options.headers,
      'Content-Type': options.contentType,
      'Content-Length': String(payload.length),
      ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    };
    return post({ http: client, url, headers, payload, timeoutMs: options.requestTimeoutMs, signal });
  };
  return {
    prepare,
    send,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

interface PostRequest {
  readonly http: HttpService;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly payload: Buffer;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

function post(request: PostRequest): Promise<SendResult> {
  const { http, url, headers, payload, timeoutMs, signal } = request;
  return new Promise<SendResult>((resolve) => {
    if (signal.aborted) return resolve({ kind: 'retryable', reason: 'aborted' });
    let settled = false;
    // The result may be known (a 2xx status line) before the exchange is over: the timer and the abort signal
    // still bound the rest, so a stalled answer never holds a socket.
    const finish = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const teardown = new AbortController();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (reason: string): void => {
      done();
      finish({ kind: 'retryable', reason });
      teardown.abort();
    };
    const onAbort = (): void => fail('aborted');
    const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
    // responseType per request too: @nestjs/axios cancels a finished request on unsubscribe unless it is a stream.
    firstValueFrom(http.post<Readable>(url.href, payload, { headers, signal: teardown.signal, responseType: 'stream' })).then(
      (response) => {
        const answer = response.data;
        answer.once('close', done);
        readAnswer(response.status, answer, finish, fail);
      },
      (error: unknown) => fail(describeError(error)),
    );
  });
}

/**
 * A 2xx status line means delivered, whatever the body does next (a collector that stalls its body must not
 * get the message again). Any answer's body is read up to ANSWER_KEEP_BYTES, so a short one returns the
 * socket to the pool; past that the stream is destroyed. Other statuses are classified on that excerpt.
 */
function readAnswer(status: number, answer: Readable, finish: (result: SendResult) => void, fail: (reason: string) => void): void {
  if (status >= 200 && status < 300) finish(classifyResponse(status, ''));
  const kept: Buffer[] = [];
  let keptBytes = 0;
  answer.on('data', (chunk: Buffer) => {
    kept.push(chunk);
    keptBytes += chunk.length;
    if (keptBytes <= ANSWER_KEEP_BYTES) return;
    finish(classifyResponse(status, Buffer.concat(kept).subarray(0, ANSWER_KEEP_BYTES).toString('utf8')));
    answer.destroy();
  });
  answer.on('end', () => finish(classifyResponse(status, Buffer.concat(kept).toString('utf8'))));
  answer.on('error', (error) => fail(`answer interrupted: ${describeError(error)}`));
  answer.on('close', () => {
    if (!answer.readableEnded) fail('answer interrupted');
  });
}
