import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../apps/gateway/test/support/gateway-process';

const ROOT = join(__dirname, '..');
const EXPECTED = ['node', ...GATEWAY_NODE_FLAGS, 'dist/apps/gateway/src/main.js'];

/** The image's CMD (exec form) as an argument list. */
function dockerCmd(): string[] {
  const line = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n').find((l) => l.startsWith('CMD '));
  return JSON.parse(line?.slice(4) ?? '[]') as string[];
}

function npmStart(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts.start.split(' ');
}

/** Tests, demo and benchmark start the gateway with GATEWAY_NODE_FLAGS: production must start it the same way. */
describe('gateway launch command', () => {
  it.each([
    ['the image CMD', dockerCmd],
    ['npm start', npmStart],
  ])('should run %s with the flags the tests and the benchmark use', (_case, command) => {
    expect(command()).toEqual(EXPECTED);
  });
});
