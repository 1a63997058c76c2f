/**
 * Preloaded (`--require`) into every system the benchmark pins: on SIGUSR2 it prints the V8 heap's total
 * allocated bytes so far with a sequence number, so the benchmark can read the bytes allocated per request
 * over a measured run (one signal before, one after). Nothing runs between signals.
 */
import { getHeapStatistics } from 'node:v8';

/** @types/node 24 predates the field (V8 13.6+, Node 24.4+). */
type HeapStatistics = ReturnType<typeof getHeapStatistics> & { readonly total_allocated_bytes: number };

let sequence = 0;

process.on('SIGUSR2', () => {
  sequence += 1;
  process.stdout.write(`${JSON.stringify({ allocProbe: { sequence, totalAllocatedBytes: (getHeapStatistics() as HeapStatistics).total_allocated_bytes } })}\n`);
});
