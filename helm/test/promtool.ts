import { spawnSync } from 'node:child_process';

/**
 * `promtool` from PATH, installing Debian's `prometheus` package when it is missing and this is a root
 * Debian/Ubuntu machine. Undefined (with the reason on stderr) only when it cannot be had.
 */
export function ensurePromtool(): string | undefined {
  const found = (): boolean => spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
  if (found()) return 'promtool';
  const skip = (reason: string): undefined => {
    process.stderr.write(`promtool is not installed and ${reason}: the promtool checks are SKIPPED.\n`);
    return undefined;
  };
  if (process.getuid?.() !== 0) return skip('this is not root (install Debian’s `prometheus` package, or put promtool on PATH)');
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return skip('there is no apt-get');
  const apt = (args: string[]): number | null =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 }).status;
  if (apt(['update']) !== 0) return skip('`apt-get update` failed (Debian’s package mirrors unreachable?)');
  if (apt(['install', '-y', '--no-install-recommends', 'prometheus']) !== 0 || !found()) return skip('`apt-get install -y prometheus` failed');
  return 'promtool';
}
