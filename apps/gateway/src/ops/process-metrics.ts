import { readdirSync, readFileSync } from 'node:fs';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Meter } from '@opentelemetry/api';
import { METER } from '@app/tracing';

/** What gateway_build_info says about the running build. */
export interface BuildInfo {
  readonly version: string;
  /** How spans leave: `stdout`, or `zipkin-<version>-<encoding>`. */
  readonly exporters: string;
}

export const BUILD_INFO = Symbol('BUILD_INFO');

/** Pure: the soft "Max open files" limit from /proc/self/limits, or undefined. */
export function maxOpenFiles(limits: string): number | undefined {
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
}

/**
 * Process and runtime metrics under the Prometheus client names people alert on (process_*, nodejs_*),
 * for this process only: no host-wide series (a pod's view of the node's memory and CPUs misleads).
 */
@Injectable()
export class ProcessMetrics implements OnModuleInit {
  constructor(
    @Inject(METER) private readonly meter: Meter,
    @Inject(BUILD_INFO) private readonly buildInfo: BuildInfo,
  ) {}

  onModuleInit(): void {
    const { meter } = this;
    const startTimeSeconds = Math.round(performance.timeOrigin) / 1000;
    meter.createObservableCounter('process_cpu_seconds', { description: 'User and system CPU time spent, in seconds' }).addCallback((result) => {
      const usage = process.cpuUsage();
      result.observe((usage.user + usage.system) / 1e6);
    });
    meter.createObservableGauge('process_resident_memory_bytes', { description: 'Resident memory size in bytes' }).addCallback((result) => result.observe(process.memoryUsage.rss()));
    meter.createObservableGauge('process_start_time_seconds', { description: 'Start time of the process since the Unix epoch, in seconds' }).addCallback((result) => result.observe(startTimeSeconds));
    meter.createObservableGauge('process_open_fds', { description: 'Open file descriptors' }).addCallback((result) => {
      const open = countOpenFds();
      if (open !== undefined) result.observe(open);
    });
    meter.createObservableGauge('process_max_fds', { description: 'Maximum number of open file descriptors (soft limit)' }).addCallback((result) => {
      const max = readLimits();
      if (max !== undefined) result.observe(max);
    });
    meter.createObservableGauge('nodejs_heap_size_used_bytes', { description: 'V8 heap in use, in bytes' }).addCallback((result) => result.observe(process.memoryUsage().heapUsed));
    meter.createObservableGauge('nodejs_heap_size_total_bytes', { description: 'V8 heap reserved, in bytes' }).addCallback((result) => result.observe(process.memoryUsage().heapTotal));
    meter.createObservableGauge('nodejs_external_memory_bytes', { description: 'Memory of C++ objects bound to JavaScript (Buffers included), in bytes' }).addCallback((result) => result.observe(process.memoryUsage().external));
    const build = { version: this.buildInfo.version, node_version: process.version, exporters: this.buildInfo.exporters };
    meter.createObservableGauge('gateway_build_info', { description: 'Always 1: the gateway version, the Node.js version and where spans go' }).addCallback((result) => result.observe(1, build));
  }
}

function countOpenFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

function readLimits(): number | undefined {
  try {
    return maxOpenFiles(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}
