/**
 * Span encoding throughput on one core: each encoder's encodeSpan on a typical gateway SERVER span
 * and CLIENT span with 5 tags. Prints spans/s and bytes/span per encoding.
 *
 * Run (no extra packages): npx tsc --ignoreConfig --module nodenext --target es2022 --skipLibCheck --types node
 *   --outDir /tmp/encbench bench/encode.bench.ts && NODE_PATH=$PWD/node_modules node /tmp/encbench/bench/encode.bench.js
 */
import type { SpanBytesEncoder } from '../libs/tracing/src/zipkin/span-bytes-encoder';
import type { ZipkinSpan } from '../libs/tracing/src/zipkin/zipkin-span';
import { spanBytesEncoderFor } from '../libs/tracing/src/zipkin/encoders/span-bytes-encoders';
import { GATEWAY_TAGS, makeClientSpan, makeSpan } from '../libs/tracing/src/zipkin/encoders/testing/make-span';

const WARMUP_MS = 300;
const MEASURE_MS = 1500;
const ROUNDS = 3;

const SPANS: ReadonlyArray<[string, ZipkinSpan]> = [
  ['SERVER', makeSpan({ tags: GATEWAY_TAGS })],
  ['CLIENT', makeClientSpan({ tags: GATEWAY_TAGS })],
];

const ENCODERS: readonly SpanBytesEncoder[] = [
  spanBytesEncoderFor('v2', 'json'),
  spanBytesEncoderFor('v2', 'proto3'),
  spanBytesEncoderFor('v1', 'json'),
  spanBytesEncoderFor('v1', 'thrift'),
];

/** Spans encoded per second over `durationMs`, checking the clock every 1000 spans. */
function spansPerSecond(encoder: SpanBytesEncoder, span: ZipkinSpan, durationMs: number): number {
  let count = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1000; i++) bytes += encoder.encodeSpan(span).length;
    count += 1000;
    now = process.hrtime.bigint();
  }
  if (bytes === 0) throw new Error('nothing encoded');
  return count / (Number(now - start) / 1e9);
}

const rows: string[][] = [['encoding', 'span', 'spans/s (best of 3)', 'bytes/span']];
for (const encoder of ENCODERS) {
  for (const [kind, span] of SPANS) {
    spansPerSecond(encoder, span, WARMUP_MS);
    const best = Math.max(...Array.from({ length: ROUNDS }, () => spansPerSecond(encoder, span, MEASURE_MS)));
    rows.push([encoder.encoding, kind, Math.round(best).toLocaleString('en-US'), String(encoder.encodeSpan(span).length)]);
  }
}

const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
const line = (row: string[]): string => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
const [header, ...body] = rows;
if (header !== undefined) {
  process.stdout.write(`${line(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n`);
}
for (const row of body) process.stdout.write(`${line(row)}\n`);
process.stdout.write(`node ${process.version}, one core, ${MEASURE_MS} ms per round\n`);
