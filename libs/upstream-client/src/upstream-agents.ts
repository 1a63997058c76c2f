import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { UpstreamClientOptions } from './upstream-client.options';
import { UpstreamTlsFileError } from './upstream.errors';

export interface UpstreamAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/** Keep-alive pools for both schemes; TLS material is read once, at boot. */
export function createUpstreamAgents(options: UpstreamClientOptions): UpstreamAgents {
  const pool = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, timeout: options.keepAliveMs, scheduling: 'lifo' as const };
  const { tls } = options;
  return {
    http: new HttpAgent(pool),
    https: new HttpsAgent({
      ...pool,
      ...(tls.caFile !== undefined && { ca: readTlsFile('caFile', tls.caFile) }),
      ...(tls.certFile !== undefined && { cert: readTlsFile('certFile', tls.certFile) }),
      ...(tls.keyFile !== undefined && { key: readTlsFile('keyFile', tls.keyFile) }),
      ...(tls.serverName !== undefined && { servername: tls.serverName }),
      rejectUnauthorized: !tls.insecureSkipVerify,
    }),
  };
}

function readTlsFile(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UpstreamTlsFileError(`ingressGateway.tls.${key} (${file}): cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
