import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';

const FIRST_UNPRIVILEGED_PORT = 1024;
/** Linux's default when /proc is not readable. */
const DEFAULT_EPHEMERAL_LOW = 32768;
const ATTEMPTS = 100;

/** The lowest port the kernel hands out for `listen(0)` and outgoing connections. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > FIRST_UNPRIVILEGED_PORT ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

function tryListen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const failed = (): void => resolve(false);
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve(true);
    });
  });
}

/**
 * Listens `server` on a random free loopback port below the kernel's ephemeral range. A port a test
 * closes and expects to stay closed (a refused upstream, a collector that goes down and comes back up)
 * must come from here: a port from `listen(0)` can be handed to another test's server, or used as the
 * source port of an outgoing connection, as soon as it is closed. Nothing on this machine listens
 * below that range except fixed-port services, which the listen attempt steps around.
 */
export async function listenOutsideEphemeralRange(server: Server): Promise<number> {
  const span = ephemeralLow() - FIRST_UNPRIVILEGED_PORT;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = FIRST_UNPRIVILEGED_PORT + Math.floor(Math.random() * span);
    if (await tryListen(server, port)) return port;
  }
  throw new Error(`no free loopback port below ${ephemeralLow()} after ${ATTEMPTS} attempts`);
}
