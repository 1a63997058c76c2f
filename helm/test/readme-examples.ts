import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR } from './helm-chart';

export const README_FILE = join(CHART_DIR, 'README.md');

/** One way the README tells a reader to set values, as the helm arguments that carry them. */
export interface ReadmeExample {
  /** Where it is: the README line it starts on, and its text. */
  readonly title: string;
  /** `--set`/`--set-string`/`--set-json`/`--values` pairs, in order, with file paths relative to the repository. */
  readonly valueArgs: readonly string[];
  /** A values file body (a ```yaml block), written to a temp file by the caller. */
  readonly valuesYaml?: string;
  /** false when the example shows only the extra flags (inline code, a yaml block): the required values are added. */
  readonly complete: boolean;
}

const VALUE_FLAGS = new Set(['--set', '--set-string', '--set-json', '--set-file', '--values', '-f']);

/** Shell words of one command: quotes removed, backslash escapes and backslash-newline applied. No expansions. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  const text = command.replace(/\\\n/g, ' ');
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else current = (current ?? '') + (char === '\\' && quote === '"' ? text[(i += 1)] : char);
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      current ??= '';
    } else {
      current = (current ?? '') + (char === '\\' ? text[(i += 1)] : char);
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** The value flags among a command's words, `--flag value` and `--flag=value` both as [flag, value]. */
export function valueFlags(words: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const [flag, inline] = words[i].startsWith('--') && words[i].includes('=') ? [words[i].slice(0, words[i].indexOf('=')), words[i].slice(words[i].indexOf('=') + 1)] : [words[i], undefined];
    if (!VALUE_FLAGS.has(flag)) continue;
    const value = inline ?? words[(i += 1)];
    args.push(flag === '-f' ? '--values' : flag, value);
  }
  return args;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/**
 * Every example in the chart README that sets values: each `helm install|upgrade|template` command in a
 * ```sh block, each inline `--set …` code span, and each ```yaml block (a values file).
 */
export function readmeExamples(markdown = readFileSync(README_FILE, 'utf8')): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  const fences = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)];
  for (const fence of fences) {
    const [, language, body] = fence;
    const line = lineOf(markdown, fence.index);
    if (language === 'yaml') {
      examples.push({ title: `README:${line} yaml values`, valueArgs: [], valuesYaml: body, complete: false });
      continue;
    }
    const commands = body.replace(/\\\n/g, ' ').split('\n');
    commands.forEach((command, offset) => {
      const words = shellWords(command);
      if (words[0] !== 'helm' || !['install', 'upgrade', 'template'].includes(words[1])) return;
      // An upgrade with --reuse-values builds on the release's values: rendered over the required ones.
      examples.push({ title: `README:${line + 1 + offset} ${command.replace(/\s+/g, ' ').trim()}`, valueArgs: valueFlags(words), complete: !words.includes('--reuse-values') });
    });
  }
  // Inline code outside the fences with a value: `--set a=b --set c=d` (not a bare `--set-string`).
  const prose = fences.reduceRight((text, fence) => text.slice(0, fence.index) + ' '.repeat(fence[0].length) + text.slice(fence.index + fence[0].length), markdown);
  for (const span of prose.matchAll(/`(--set[\w-]*[ =][^`]*=[^`]*)`/g)) {
    examples.push({ title: `README:${lineOf(markdown, span.index)} ${span[1]}`, valueArgs: valueFlags(shellWords(span[1])), complete: false });
  }
  return examples;
}
