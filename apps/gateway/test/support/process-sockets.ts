import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** A TCP socket a process holds open, from /proc/net/tcp{,6} joined with /proc/<pid>/fd by inode. */
export interface HeldTcpSocket {
  readonly localPort: number;
  readonly remotePort: number;
  /** Kernel state name: ESTABLISHED, LISTEN, CLOSE_WAIT … */
  readonly state: string;
}

export interface SocketCensus {
  /** Every `socket:[inode]` fd: TCP, and the stdio socketpairs libuv makes for a spawned child. */
  readonly socketFds: number;
  readonly tcp: readonly HeldTcpSocket[];
}

/** include/net/tcp_states.h */
const TCP_STATES: Readonly<Record<string, string>> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]);
    } catch {
      // The fd closed between readdir and readlink.
    }
  }
  return inodes;
}

function tcpTable(pid: number): Map<string, HeldTcpSocket> {
  const byInode = new Map<string, HeldTcpSocket>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const port = (address: string): number => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      byInode.set(fields[9], { localPort: port(fields[1]), remotePort: port(fields[2]), state: TCP_STATES[fields[3]] ?? fields[3] });
    }
  }
  return byInode;
}

/** The sockets a process holds now (Linux only). */
export function socketCensus(pid: number): SocketCensus {
  const inodes = socketInodes(pid);
  const table = tcpTable(pid);
  const tcp = [...inodes].flatMap((inode) => {
    const socket = table.get(inode);
    return socket === undefined ? [] : [socket];
  });
  return { socketFds: inodes.size, tcp };
}

/** Sockets of the census connected to (remote) `port`. */
export function connectedTo(census: SocketCensus, port: number): HeldTcpSocket[] {
  return census.tcp.filter((socket) => socket.remotePort === port);
}

/** One line for a failure message: fd count and each TCP socket as local→remote state. */
export function describeCensus(census: SocketCensus): string {
  return `${census.socketFds} socket fds; tcp: ${census.tcp.map((s) => `${s.localPort}→${s.remotePort} ${s.state}`).join(', ')}`;
}
