import type { Server as HttpServer } from 'node:http';
import { Server } from 'node:net';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Meter } from '@opentelemetry/api';
import type { ServerConfig } from '@app/config';
import { createClientErrorCounter, createClientErrorHandler } from './client-error-handler';

/**
 * Fastify for the proxy port: no body parsing (bodies stream through untouched), Node's own limits for
 * header size (431) and slow clients, answered and counted by our client-error handler, and in-flight
 * requests served to the end while closing.
 */
export function createGatewayAdapter(server: ServerConfig, meter: Meter): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval (30 s by default).
    http: { maxHeaderSize: server.maxHeaderBytes, connectionsCheckingInterval: Math.min(1000, server.headersTimeoutMs) },
    keepAliveTimeout: server.keepAliveTimeoutMs,
    requestTimeout: server.requestTimeoutMs,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    bodyLimit: Number.MAX_SAFE_INTEGER,
    logger: false,
    clientErrorHandler: createClientErrorHandler(createClientErrorCounter(meter)),
  });
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  // Leave every body unread: the proxy streams it upstream.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  return adapter;
}

/** Settings Fastify has no option for. */
export function tuneGatewayServer(httpServer: HttpServer, server: ServerConfig): void {
  httpServer.headersTimeout = server.headersTimeoutMs;
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
