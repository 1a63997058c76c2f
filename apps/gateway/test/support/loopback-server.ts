import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';

import { listenOutsideEphemeralRange } from '../../../../libs/tracing/src/zipkin/reporter/testing/port-outside-ephemeral-range';

/** Listens on a random loopback port and resolves with it. */
export async function listenOnLoopback(server: NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on, and that no `listen(0)` elsewhere will take: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listenOutsideEphemeralRange(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The server's open connections, kept current as they open and close. */
export function openConnections(server: NetServer): ReadonlySet<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * An HTTP server on a random loopback port that knows its open connections: a test counts the gateway's
 * pooled sockets with it, and close() destroys them instead of waiting for them to idle out.
 */
export abstract class LoopbackHttpServer {
  private readonly server: Server;
  private readonly sockets: ReadonlySet<Socket>;

  constructor() {
    // Idle connections stay open for the whole test: when a pooled connection closes is the gateway's call.
    this.server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => this.handle(request, response));
    this.sockets = openConnections(this.server);
  }

  async start(): Promise<this> {
    await listenOnLoopback(this.server);
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Open connections from the gateway's pool. */
  get openSockets(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract handle(request: IncomingMessage, response: ServerResponse): void;
}
