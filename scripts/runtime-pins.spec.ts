import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MINIMUM_NODE_MAJOR } from '../apps/gateway/src/runtime/supported-node';

const ROOT = join(__dirname, '..');

interface PackageJson {
  readonly engines: { readonly node: string };
  readonly scripts: Readonly<Record<string, string>>;
  readonly config: { readonly node24: string };
  readonly devDependencies: Readonly<Record<string, string>>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const major = (version: string): number => Number(/(\d+)\./.exec(version)?.[1]);

/** One runtime everywhere: what npm installs with, what the scripts and tests run on, what the image ships. */
describe('runtime pins', () => {
  const primary = pkg.devDependencies.node;

  it('should pin the project runtime to an exact Node 26 release', () => {
    expect(primary).toMatch(/^26\.\d+\.\d+$/);
  });

  it('should install with npm running on that same release (npm run setup)', () => {
    expect(pkg.scripts.setup).toBe(`npx -y node@${primary} "$npm_execpath" ci`);
  });

  it('should ship the same major in the image', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(Number(image)).toBe(major(primary));
  });

  it('should test the maintenance line on an exact Node 24 release', () => {
    expect(pkg.config.node24).toMatch(/^24\.\d+\.\d+$/);
  });

  it("should declare the oldest supported major in engines, as the gateway's own start check does", () => {
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE_MAJOR}`);
  });
});
