import { METHODS, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server } from 'node:net';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Counter } from '@opentelemetry/api';
import type { ServerConfig } from '@app/config';
import { createClientErrorHandler, type ListenerPort } from './client-error-handler';

/** What the HTTP servers count: requests Node's parser refused, connections over the cap. */
export interface ServerCounters {
  readonly clientErrors: Pick<Counter, 'add'>;
  readonly droppedConnections: Pick<Counter, 'add'>;
}

/** Every method Node's parser accepts; CONNECT never reaches a request handler (Node closes it). */
const PROXIED_METHODS = METHODS.filter((method) => method !== 'CONNECT');

/** The same client limits on both ports: header block size and time, whole-request time, idle keep-alive. */
function clientLimits(server: ServerConfig, requestTimeoutMs: number) {
  return {
    // Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval (30 s by default).
    http: { maxHeaderSize: server.maxHeaderBytes, connectionsCheckingInterval: Math.min(1000, server.headersTimeoutMs) },
    keepAliveTimeout: server.keepAliveTimeoutMs,
    requestTimeout: requestTimeoutMs,
    logger: false,
  } as const;
}

/**
 * Fastify for the proxy port: every URL is routed to the one proxy route (`rewriteUrl`; the target as
 * received stays in `request.originalUrl` for our own parser), every method Node parses is known, no body
 * parsing (bodies stream through untouched), parser-level refusals answered and counted by our handler.
 */
export function createGatewayAdapter(server: ServerConfig, counters: ServerCounters): FastifyAdapter {
  const adapter = new FastifyAdapter({
    ...clientLimits(server, server.requestTimeoutMs),
    rewriteUrl: () => '/',
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    bodyLimit: Number.MAX_SAFE_INTEGER,
    clientErrorHandler: createClientErrorHandler(counters.clientErrors, 'gateway'),
  });
  const fastify = adapter.getInstance();
  for (const method of PROXIED_METHODS) if (!fastify.supportedMethods.includes(method)) fastify.addHttpMethod(method, { hasBody: true });
  fastify.removeAllContentTypeParsers();
  // Leave every body unread: the proxy streams it upstream.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  return adapter;
}

/**
 * Fastify for the admin port (health, metrics): the proxy port's header limits and timeouts, a request
 * must be complete within the header timeout (probes and scrapes are tiny), small bodies only.
 */
export function createAdminAdapter(server: ServerConfig, counters: ServerCounters): FastifyAdapter {
  return new FastifyAdapter({
    ...clientLimits(server, server.headersTimeoutMs),
    bodyLimit: 1024,
    forceCloseConnections: true,
    clientErrorHandler: createClientErrorHandler(counters.clientErrors, 'admin'),
  });
}

/** Settings Fastify has no option for, on either port: header count, connection cap (excess closed at once, counted). */
export function tuneServer(httpServer: HttpServer, server: ServerConfig, port: ListenerPort, maxConnections: number, counters: ServerCounters): void {
  httpServer.headersTimeout = server.headersTimeoutMs;
  // Node answers 431 to more header lines than this (it used to keep the first ones and drop the rest).
  httpServer.maxHeadersCount = server.maxHeaderCount;
  if (maxConnections > 0) httpServer.maxConnections = maxConnections;
  httpServer.on('drop', () => counters.droppedConnections.add(1, { port }));
  if (port === 'gateway') {
    // With a listener here Node sends no `100 Continue` by itself: the exchange sends it once the request is
    // admitted, and a refused one (405, 413 …) gets its answer without the client sending the body first.
    httpServer.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => httpServer.emit('request', request, response));
  }
}

/**
 * Stops accepting and lets in-flight requests finish. Idle keep-alive connections stay open for a short
 * grace period (closing them at once resets clients whose next request is already on the wire); their next
 * response carries `Connection: close`. Then idle connections close, and after `timeoutMs` whatever is left.
 */
export async function drainServer(httpServer: HttpServer, timeoutMs: number): Promise<'drained' | 'timed_out'> {
  // net.Server#close only stops listening; http.Server#close would also close idle connections at once.
  const closed = new Promise<void>((resolve) => Server.prototype.close.call(httpServer, () => resolve()));
  const wait = (ms: number): Promise<'timed_out'> => new Promise((resolve) => setTimeout(() => resolve('timed_out'), ms).unref());
  const grace = await Promise.race([closed.then(() => 'drained' as const), wait(Math.min(1000, timeoutMs))]);
  if (grace === 'drained') return 'drained';
  httpServer.closeIdleConnections();
  const outcome = await Promise.race([closed.then(() => 'drained' as const), wait(Math.max(0, timeoutMs - 1000))]);
  if (outcome === 'timed_out') {
    httpServer.closeAllConnections();
    await closed;
  }
  return outcome;
}
