import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Writes a ROUTES_FILE (or any YAML config file) to a fresh temp dir and returns its path. */
export function writeYamlFile(document: unknown, name = 'routes.yaml'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'external-proxy-')), name);
  writeFileSync(file, stringify(document));
  return file;
}
