import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The published Zipkin specs copied into the repository (openzipkin/zipkin-api, Apache-2.0). */
export type ZipkinApiFile = 'zipkinCore.thrift' | 'zipkin-api.yaml' | 'zipkin2-api.yaml' | 'zipkin.proto';

/** Path of a spec under `third_party/zipkin-api`, found by walking up from here to the repo root. */
export function zipkinApiFile(name: ZipkinApiFile): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'third_party', 'zipkin-api', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`third_party/zipkin-api/${name} not found above ${__dirname}`);
  }
}
