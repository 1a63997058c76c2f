import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** The core the system under test gets to itself. */
export const SUT_CPU = 0;
/** The core shared by the load generator, the stand-in upstream and collector, and this orchestrator. */
export const HARNESS_CPU = 1;

/** Pinning needs `taskset` and two cores; without them everything floats and the table says so. */
export const CAN_PIN = cpus().length >= 2 && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves every thread of a running process to one CPU; threads it starts later inherit the mask. */
export function pinProcess(pid: number, cpu: number): void {
  if (CAN_PIN) execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** A command line that starts already pinned (`taskset -c <cpu> …`), or unchanged when pinning is off. */
export function onCpu(cpu: number, command: string, args: readonly string[]): { command: string; args: string[] } {
  return CAN_PIN ? { command: 'taskset', args: ['-c', String(cpu), command, ...args] } : { command, args: [...args] };
}

export function pinningNote(): string {
  return CAN_PIN
    ? `system under test alone on CPU ${SUT_CPU}; load generator, upstream, collector and orchestrator on CPU ${HARNESS_CPU} (taskset)`
    : 'no pinning (taskset missing or fewer than 2 cores): processes float, results are not comparable with pinned runs';
}
