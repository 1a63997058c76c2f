import type { Socket } from 'node:net';

/**
 * Responses that wait behind an earlier one on their connection (HTTP/1.1 pipelining), per connection. One
 * `close` listener per connection ends them all: Node emits no `close` on a response that never got its
 * connection, and one listener per waiting response would pile up on a deep pipeline.
 */
export class QueuedResponses {
  private readonly byConnection = new WeakMap<Socket, Set<() => void>>();

  /** Calls `onClose` if the connection closes before `remove()` is called; returns `remove`. */
  add(connection: Socket, onClose: () => void): () => void {
    let waiting = this.byConnection.get(connection);
    if (waiting === undefined) {
      const created = new Set<() => void>();
      waiting = created;
      this.byConnection.set(connection, created);
      connection.once('close', () => {
        this.byConnection.delete(connection);
        for (const callback of created) callback();
      });
    }
    const entry = waiting;
    entry.add(onClose);
    return () => entry.delete(onClose);
  }

  /** Responses waiting on this connection now. */
  depth(connection: Socket): number {
    return this.byConnection.get(connection)?.size ?? 0;
  }
}
