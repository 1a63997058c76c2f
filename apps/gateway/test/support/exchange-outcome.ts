import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

/** How one request ended for the client, including the ways `send` treats as a rejection. */
export interface ExchangeOutcome {
  /** 0 when no response head arrived. */
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The response body arrived whole (false: the connection was cut mid-body). */
  readonly complete: boolean;
  /** Node's error code when the exchange failed (ECONNRESET, ECONNREFUSED …). */
  readonly errorCode?: string;
  readonly elapsedMs: number;
}

export interface ExchangeCall {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string;
  /** Gives up (destroying the request) after this long, so a hanging gateway fails the test instead of it. */
  readonly deadlineMs?: number;
}

/** One request on a fresh connection; never rejects: a cut or failed exchange is an outcome too. */
export function exchange(url: string, call: ExchangeCall = {}): Promise<ExchangeOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let body = '';
    let settled = false;
    const settle = (complete: boolean, errorCode?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ status, headers, body, complete, ...(errorCode !== undefined && { errorCode }), elapsedMs: performance.now() - started });
    };
    const req = request(url, { method: call.method ?? 'GET', headers: call.headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => settle(res.complete));
      res.once('error', (error: NodeJS.ErrnoException) => settle(false, error.code ?? error.message));
      res.once('close', () => settle(res.complete, res.complete ? undefined : 'ECONNRESET'));
    });
    const deadline = setTimeout(() => {
      req.destroy();
      settle(false, 'CLIENT_DEADLINE');
    }, call.deadlineMs ?? 10_000);
    req.once('error', (error: NodeJS.ErrnoException) => settle(false, error.code ?? error.message));
    req.end(call.body);
  });
}
