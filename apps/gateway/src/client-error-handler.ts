import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Counter, Meter } from '@opentelemetry/api';

/** The counter's name; the Prometheus exporter appends `_total`. */
export const CLIENT_ERRORS_METRIC = 'gateway_client_errors';

/** Which listener a refusal happened on: the proxy port or the admin port. */
export type ListenerPort = 'gateway' | 'admin';

/** Connections closed at once because their port already had `maxConnections`; the exporter appends `_total`. */
export const DROPPED_CONNECTIONS_METRIC = 'gateway_connections_dropped';

/** Why Node's HTTP parser refused a connection's request before the proxy saw it. */
export type ClientErrorReason = 'bad_request' | 'headers_too_large' | 'chunk_extensions_too_large' | 'header_timeout' | 'request_timeout';

export interface ClientErrorAnswer {
  readonly status: number;
  readonly reason: ClientErrorReason;
}

/** Parser errors with an answer of their own, as Node's default handler gives them; any other `HPE_*` is a 400. */
const PARSER_ANSWERS: Readonly<Record<string, ClientErrorAnswer>> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'headers_too_large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, reason: 'chunk_extensions_too_large' },
};

/**
 * The answer to a `clientError`, or undefined for a socket error (ECONNRESET, EPIPE …): the client is gone
 * or unreachable, and did nothing wrong. Node reports headersTimeout and requestTimeout with one code: a
 * request already handed to the proxy timed out on its body, any other on its header block.
 */
export function classifyClientError(code: string | undefined, requestInFlight: boolean): ClientErrorAnswer | undefined {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: requestInFlight ? 'request_timeout' : 'header_timeout' };
  if (code === undefined || !code.startsWith('HPE_')) return undefined;
  return PARSER_ANSWERS[code] ?? { status: 400, reason: 'bad_request' };
}

/** A complete HTTP/1.1 answer: a short text body, and the connection closed (the parser state is lost). */
export function formatClientErrorAnswer(status: number, requestId: string): string {
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    '',
    body,
  ].join('\r\n');
}

const PORTS: readonly ListenerPort[] = ['gateway', 'admin'];
const REASONS: readonly ClientErrorReason[] = ['bad_request', 'headers_too_large', 'chunk_extensions_too_large', 'header_timeout', 'request_timeout'];

/** Every series starts at 0: an alert on an increase needs the series before the first event. */
export function createClientErrorCounter(meter: Meter): Counter {
  const counter = meter.createCounter(CLIENT_ERRORS_METRIC, { description: 'Requests refused by the HTTP parser before routing (malformed, too large, too slow), by reason and port' });
  for (const port of PORTS) for (const reason of REASONS) counter.add(0, { reason, port });
  return counter;
}

export function createDroppedConnectionsCounter(meter: Meter): Counter {
  const counter = meter.createCounter(DROPPED_CONNECTIONS_METRIC, { description: 'Connections closed at once because their port already had server.maxConnections / adminMaxConnections, by port' });
  for (const port of PORTS) counter.add(0, { port });
  return counter;
}

/** Node keeps the response in flight on its socket as `_httpMessage`; its own default handler reads it too. */
type HttpSocket = Socket & { readonly _httpMessage?: { readonly headersSent: boolean } | null };

/**
 * Fastify's `clientErrorHandler`: answers parser-level errors itself (Fastify's default answers JSON with
 * no x-request-id, counts nothing, and writes even after a response has started), counts them, and
 * always destroys the socket, as the `clientError` contract requires.
 */
export function createClientErrorHandler(
  counter: Pick<Counter, 'add'>,
  port: ListenerPort,
  logger: Pick<Logger, 'debug'> = new Logger('ClientError'),
  newRequestId: () => string = randomUUID,
): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    const inFlight = (socket as HttpSocket)._httpMessage ?? undefined;
    const answer = socket.destroyed ? undefined : classifyClientError(error.code, inFlight !== undefined);
    if (answer !== undefined) {
      counter.add(1, { reason: answer.reason, port });
      // Bytes after a started response would corrupt it: then the client only sees the connection close.
      const answered = socket.writable && inFlight?.headersSent !== true;
      const requestId = answered ? newRequestId() : undefined;
      if (requestId !== undefined) socket.write(formatClientErrorAnswer(answer.status, requestId));
      // The code and reason only: the raw packet may carry credentials.
      logger.debug({ message: 'client error', port, status: answer.status, reason: answer.reason, code: error.code, answered, requestId });
    }
    socket.destroy();
  };
}
