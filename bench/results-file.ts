import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_MAIN } from '../apps/gateway/test/support/gateway-process';
import { loadAverage } from './bench-procfs';
import { pinningNote } from './bench-pinning';
import { COLUMN_NOTES, markdownTable, targetLines } from './bench-report';
import type { BenchSettings, Row } from './measure-row';
import { FLUSH_INTERVAL_MS } from './systems-under-test';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
export const RESULTS_FILE = join(REPOSITORY_ROOT, 'bench', 'RESULTS.md');

export interface RunDescription {
  readonly machine: string;
  /** gatewayBuildLine() taken when the run started: others may rebuild dist while it runs. */
  readonly gatewayBuild: string;
  readonly settings: BenchSettings;
  readonly processWarmupSeconds: number;
  /** Rounds of every row; each row shown is its median round. */
  readonly rounds: number;
  readonly connectionCounts: readonly number[];
  /** wrk's version and how it is run. */
  readonly loadGenerator: string;
}

/** Which gateway was measured: the commit, whether gateway sources differed from it, and when dist was built. */
export function gatewayBuildLine(): string {
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: REPOSITORY_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown commit';
  const changed = git(['status', '--porcelain', '--', 'apps/gateway/src', 'libs']).split('\n').filter((line) => line !== '').length;
  return `${commit}${changed > 0 ? ` + ${changed} uncommitted gateway/lib source files` : ''}, dist built ${statSync(GATEWAY_MAIN).mtime.toISOString()}`;
}

/** bench/RESULTS.md: machine and gateway lines, setup, the table, the targets, what the columns mean. */
export function resultsMarkdown(run: RunDescription, rows: readonly Row[]): string {
  const { machine, gatewayBuild, settings, processWarmupSeconds, connectionCounts, rounds } = run;
  return [
    '# Benchmark results (last `npm run bench`)',
    '',
    `Machine: ${machine}`,
    `Gateway: ${gatewayBuild}`,
    `Finished: ${new Date().toISOString()}, load average ${loadAverage()}`,
    `Setup: ${pinningNote()}. Load generator: ${run.loadGenerator}. Every system is started first (idle RSS read, then warmed up once for ${processWarmupSeconds} s at ${Math.max(...connectionCounts)} connections) and idles when not under test; rows are measured interleaved (per connection count, each system in turn), each with a ${settings.warmupSeconds} s warm-up and a ${settings.measureSeconds} s measured run, in ${rounds} round${rounds === 1 ? '' : 's'}: every row shown is its system's median round by req/s (its check column lists every round). Upstream answers a fixed 1 KiB body on keep-alive connections. Gateway: defaults (access log on, gzip to the collector), reporter flush interval ${FLUSH_INTERVAL_MS} ms.`,
    '',
    markdownTable(rows),
    '',
    '## Targets (issue 13, this run only)',
    '',
    ...targetLines(rows),
    '',
    '## Columns',
    '',
    ...COLUMN_NOTES.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
