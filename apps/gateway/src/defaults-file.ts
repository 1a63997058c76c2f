import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `config/default.yaml` of the installation: the nearest one above the running file (source or dist). */
export function findDefaultsFile(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'config', 'default.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(process.cwd(), 'config', 'default.yaml');
  }
}
