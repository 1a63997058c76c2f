/**
 * The benchmark's peers in their own process, so they can be pinned away from the system under test:
 * a counting upstream and a counting collector. Started by run-bench and profile through `startPeers()`;
 * the parent asks for counts over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { CountingCollector, type CollectorCounts } from './counting-collector';
import { CountingUpstream, type UpstreamCounts } from './counting-upstream';
import { HARNESS_CPU, pinProcess } from './bench-pinning';

export interface PeerCounts {
  readonly upstream: UpstreamCounts;
  readonly collector: CollectorCounts;
}

type PeerMessage = { readonly type: 'ready'; readonly upstreamUrl: string; readonly collectorUrl: string } | { readonly type: 'counts'; readonly id: number; readonly counts: PeerCounts };

export interface Peers {
  readonly pid: number;
  readonly upstreamUrl: string;
  /** Base URL: the gateway appends /api/v2/spans or /api/v1/spans. */
  readonly collectorUrl: string;
  counts(): Promise<PeerCounts>;
  stop(): Promise<void>;
}

/** Forks this file as the peers process, pinned to the harness CPU. */
export async function startPeers(): Promise<Peers> {
  const child = fork(__filename, ['--peers'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid === undefined) throw new Error('bench peers did not start');
  pinProcess(child.pid, HARNESS_CPU);
  const ready = await nextMessage(child, (m) => m.type === 'ready');
  if (ready.type !== 'ready') throw new Error('unreachable');
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid,
    upstreamUrl: ready.upstreamUrl,
    collectorUrl: ready.collectorUrl,
    async counts(): Promise<PeerCounts> {
      const id = (nextId += 1);
      const answer = nextMessage(child, (m) => m.type === 'counts' && m.id === id);
      child.send({ type: 'counts', id });
      const message = await answer;
      if (message.type !== 'counts') throw new Error('unreachable');
      return message.counts;
    },
    async stop(): Promise<void> {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function nextMessage(child: ChildProcess, predicate: (message: PeerMessage) => boolean, timeoutMs = 10_000): Promise<PeerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: PeerMessage): void => {
      if (!predicate(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (): void => {
      cleanup();
      reject(new Error('bench peers exited'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('bench peers did not answer'));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function runPeers(): Promise<void> {
  const upstream = new CountingUpstream();
  const collector = new CountingCollector();
  const [upstreamUrl, collectorUrl] = await Promise.all([upstream.start(), collector.start()]);
  process.on('message', (message: { type: string; id: number }) => {
    if (message.type === 'counts') process.send?.({ type: 'counts', id: message.id, counts: { upstream: upstream.counts(), collector: collector.counts() } });
  });
  const stop = (): void => {
    upstream.close();
    collector.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send?.({ type: 'ready', upstreamUrl, collectorUrl });
}

if (require.main === module && process.argv.includes('--peers')) void runPeers();
