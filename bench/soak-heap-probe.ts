/**
 * Preloaded into the gateway by `npm run soak` (NODE_OPTIONS=--require …). After each full (mark-compact)
 * GC it prints the V8 heap in use: the live heap, the figure a leak raises. Every 5 s it prints
 * process.memoryUsage(), which splits RSS into the V8 heap it has reserved, external memory and Buffers.
 * /metrics has the heap in use (nodejs_heap_size_used_bytes) but not the live heap after a full GC.
 */
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

const MEMORY_EVERY_MS = 5000;

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as PerformanceEntry & { readonly detail?: { readonly kind?: number } };
    if (detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
    process.stdout.write(`${JSON.stringify({ soakHeapProbe: { usedHeapBytes: getHeapStatistics().used_heap_size } })}\n`);
  }
}).observe({ entryTypes: ['gc'] });

setInterval(() => process.stdout.write(`${JSON.stringify({ soakMemoryProbe: process.memoryUsage() })}\n`), MEMORY_EVERY_MS).unref();
