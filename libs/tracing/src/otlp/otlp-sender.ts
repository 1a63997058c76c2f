import * as http from 'node:http';
import * as https from 'node:https';
import type { OtlpProtocol } from '@app/config';
import type { ReporterTransport } from '../zipkin/reporter/reporter-options';
import { describeError, exportAgentOptions, parseExportUrl, preparePayload, validateExportHeaders } from '../zipkin/reporter/http-export';
import type { SendFunction, SendResult } from '../zipkin/reporter/send-result';
import { classifyOtlpResponse } from './otlp-response';

/**
 * Bytes of an answer read at most: a partial-success response or an error text fits; a longer answer is not
 * read on (its connection is dropped) and, on a 2xx, counts as a full success.
 */
const ANSWER_KEEP_BYTES = 4096;

export interface OtlpSenderOptions {
  /** Full OTLP/HTTP traces URL. A secret: it never appears in a result reason. */
  readonly endpointUrl: string;
  readonly protocol: OtlpProtocol;
  readonly contentType: string;
  /** Secrets: never in a reason or a log line. */
  readonly headers: Readonly<Record<string, string>>;
  readonly gzip: boolean;
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
  /** PEM CA bundle trusted for an https endpoint, besides Node's roots. */
  readonly ca?: Buffer;
}

/** Thrown at construction only (bad URL or header); the message never carries the URL or a header value. */
export class InvalidOtlpOptionsError extends Error {
  override readonly name = 'InvalidOtlpOptionsError';
}

/** The OTLP reporter's only network I/O, behind the same prepare/send contract as the Zipkin sender. */
export function createOtlpSender(options: OtlpSenderOptions): ReporterTransport {
  const invalid = (message: string): Error => new InvalidOtlpOptionsError(message);
  const url = parseExportUrl(options.endpointUrl, 'OTLP endpoint', invalid);
  validateExportHeaders(options.headers, 'OTLP', invalid);
  const secure = url.protocol === 'https:';
  const agentOptions = exportAgentOptions(options.maxInFlight);
  const agent = secure ? new https.Agent({ ...agentOptions, ...(options.ca ? { ca: options.ca } : {}) }) : new http.Agent(agentOptions);
  const client = secure ? https : http;
  const prepare = preparePayload(options.gzip);
  const send: SendFunction = (payload, signal) => {
    const headers: Record<string, string> = {
      ...options.headers,
      'Content-Type': options.contentType,
      'Content-Length': String(payload.length),
      ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    };
    return post({ client, agent, url, headers, payload, signal, timeoutMs: options.requestTimeoutMs, protocol: options.protocol });
  };
  return { prepare, send, close: () => agent.destroy() };
}

interface PostRequest {
  readonly client: typeof http | typeof https;
  readonly agent: http.Agent;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly payload: Buffer;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly protocol: OtlpProtocol;
}

/**
 * POSTs one payload. After a 2xx status line the message counts as delivered whatever the body does: a timeout,
 * an abort or a cut answer then only loses the partial-success detail, never causes a resend.
 */
function post(request: PostRequest): Promise<SendResult> {
  const { client, agent, url, headers, payload, signal, timeoutMs, protocol } = request;
  return new Promise<SendResult>((resolve) => {
    if (signal.aborted) return resolve({ kind: 'retryable', reason: 'aborted' });
    let settled = false;
    let accepted = false;
    let req: http.ClientRequest | undefined;
    const finish = (result: SendResult): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const fail = (reason: string): void => {
      finish(accepted ? { kind: 'ok' } : { kind: 'retryable', reason });
      req?.destroy();
    };
    const onAbort = (): void => fail('aborted');
    const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      req = client.request(url, { method: 'POST', agent, headers }, (res) => {
        const status = res.statusCode ?? 0;
        accepted = status >= 200 && status < 300;
        const retryAfter = res.headers['retry-after'];
        const kept: Buffer[] = [];
        let keptBytes = 0;
        const answer = (complete: boolean): SendResult =>
          classifyOtlpResponse({ status, body: Buffer.concat(kept).subarray(0, ANSWER_KEEP_BYTES), complete, retryAfter }, protocol, Date.now());
        res.on('data', (chunk: Buffer) => {
          kept.push(chunk);
          keptBytes += chunk.length;
          if (keptBytes <= ANSWER_KEEP_BYTES) return;
          finish(answer(false));
          res.destroy();
        });
        res.on('end', () => finish(answer(true)));
        res.on('error', () => fail('answer interrupted'));
        res.on('close', () => {
          if (!res.complete) fail('answer interrupted');
        });
      });
    } catch (error) {
      return fail(`request not sent: ${describeError(error)}`);
    }
    req.on('error', (error) => fail(describeError(error)));
    req.end(payload);
  });
}
