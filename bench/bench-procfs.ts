import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux accounts process CPU time in clock ticks (USER_HZ, 100 on every common kernel). */
export const CLOCK_TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process, all threads (the libuv pool's gzip included), in ticks. */
export function processCpuTicks(pid: number): number {
  return statCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** V8 names its platform threads (parallel scavenge, concurrent marking and sweeping, background JIT) so. */
const V8_WORKER_THREAD = 'node-V8Worker';

/**
 * utime + stime of a Node process's V8 worker threads, in ticks: the part of its CPU that is background GC
 * (and JIT compilation), which a main-thread CPU profile does not show. Threads that exited are not counted.
 */
export function v8WorkerCpuTicks(pid: number): number {
  let ticks = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === V8_WORKER_THREAD) ticks += statCpuTicks(stat);
  }
  return ticks;
}

/** utime + stime from a /proc stat line; the command name (field 2) may contain spaces: fields are counted after its `)`. */
function statCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export interface ProcessMemory {
  /** VmRSS: resident now. */
  readonly rssKiB: number;
  /** VmHWM: peak resident since start or since the last resetPeakRss. */
  readonly peakKiB: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: kib('VmRSS'), peakKiB: kib('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so each row reports its own peak; false when refused. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface CoreTicks {
  readonly busy: number;
  readonly total: number;
}

/** Busy and total ticks of one CPU from /proc/stat (iowait counts as idle). */
export function coreTicks(cpu: number): CoreTicks | undefined {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (line === undefined) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** The 1, 5 and 15 minute load averages as `uptime` prints them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** CPU model, cores, Node version, date and load: the line every result is read against. */
export function machineLine(): string {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown cpu';
  return `${model}, ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}, load average ${loadAverage()}`;
}
