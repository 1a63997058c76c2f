import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { GATEWAY_MAIN, GATEWAY_NODE_FLAGS } from './support/gateway-process';

const REFUSAL = /^external-proxy needs Node\.js >= 24; this is v\d+\.\d+\.\d+ \(put a supported node first on the PATH\)$/;

/** A `node` on the PATH older than 24 (the machine's own, when the project's runtime comes first), if any. */
function olderNodeOnPath(): string | undefined {
  const ours = realpathSync(process.execPath);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (realpathSync(candidate) === ours) continue;
    const major = Number(/^v(\d+)\./.exec(execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim())?.[1]);
    if (major < 24) return candidate;
  }
  return undefined;
}

/** Runs the built gateway as `npm start` does, with the given node binary and extra node arguments. */
function startWith(node: string, nodeArgs: readonly string[] = []) {
  return spawnSync(node, [...nodeArgs, ...GATEWAY_NODE_FLAGS, GATEWAY_MAIN], {
    env: { PATH: process.env.PATH ?? '', GATEWAY_PORT: '0', ADMIN_PORT: '0', INGRESS_GATEWAY_URL: 'http://127.0.0.1:9' },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('supported runtime', () => {
  const olderNode = olderNodeOnPath();

  (olderNode === undefined ? it.skip : it)(`should refuse to start on an older Node.js on the PATH (${olderNode ?? 'none here'}) with one line`, () => {
    const result = startWith(olderNode ?? '');
    const lines = result.stderr.trimEnd().split('\n');
    expect({ status: result.status, stdout: result.stdout, lines: lines.length, msg: (JSON.parse(lines[0]) as { msg: string }).msg }).toEqual({
      status: 1,
      stdout: '',
      lines: 1,
      msg: expect.stringMatching(REFUSAL) as string,
    });
  });

  it('should stop before any dependency loads when the version is older (reported as v22.15.0 by a preload)', () => {
    const preload = "Object.defineProperty(process, 'version', { value: 'v22.15.0' })";
    const result = startWith(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`]);
    expect({ status: result.status, stdout: result.stdout, stderr: JSON.parse(result.stderr) as unknown, lines: result.stderr.split('\n').length }).toEqual({
      status: 1,
      stdout: '',
      stderr: { time: expect.any(String) as string, level: 'error', msg: 'external-proxy needs Node.js >= 24; this is v22.15.0 (put a supported node first on the PATH)' },
      lines: 2,
    });
  });

  it(`should run on this jest process's Node.js (${process.version})`, () => {
    const major = Number(/^v(\d+)\./.exec(process.version)?.[1]);
    expect(major).toBeGreaterThanOrEqual(24);
  });
});
