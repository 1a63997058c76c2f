import type { Server } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { ServerConfig } from '@app/config';

/**
 * Fastify for the proxy port: no body parsing (bodies stream through untouched), Node's own limits for
 * header size (431) and slow clients, and in-flight requests served to the end while closing.
 */
export function createGatewayAdapter(server: ServerConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval (30 s by default).
    http: { maxHeaderSize: server.maxHeaderBytes, connectionsCheckingInterval: Math.min(1000, server.headersTimeoutMs) },
    keepAliveTimeout: server.keepAliveTimeoutMs,
    requestTimeout: server.requestTimeoutMs,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    bodyLimit: Number.MAX_SAFE_INTEGER,
    logger: false,
  });
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  // Leave every body unread: the proxy streams it upstream.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  return adapter;
}

/** Settings Fastify has no option for. */
export function tuneGatewayServer(httpServer: Server, server: ServerConfig): void {
  httpServer.headersTimeout = server.headersTimeoutMs;
}

/** Stops accepting, lets in-flight requests finish, and after `timeoutMs` cuts whatever is left. */
export async function drainServer(httpServer: Server, timeoutMs: number): Promise<'drained' | 'timed_out'> {
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed_out'>((resolve) => {
    timer = setTimeout(() => resolve('timed_out'), timeoutMs);
  });
  const outcome = await Promise.race([closed.then(() => 'drained' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timed_out') {
    httpServer.closeAllConnections();
    await closed;
  }
  return outcome;
}
