import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import type { UpstreamClientOptions } from './upstream-client.options';
import { UpstreamTlsFileError } from './upstream.errors';

/**
 * One undici Agent: a keep-alive pool per upstream origin, both schemes. TLS material is read once, at
 * boot. `headersTimeout` and `bodyTimeout` are set per request (routes have their own timeouts).
 */
export function createUpstreamAgent(options: UpstreamClientOptions): Agent {
  const { tls } = options;
  return new Agent({
    connections: options.maxSockets,
    keepAliveTimeout: options.keepAliveMs,
    keepAliveMaxTimeout: options.keepAliveMs,
    pipelining: 1,
    // undici 8 negotiates h2 by ALPN unless told not to; the proxy forwards HTTP/1.1 semantics (hop-by-hop
    // headers, Connection, status lines) and Envoy's HTTP/1.1 listener is what the mesh edge expects.
    allowH2: false,
    connect: {
      ...(tls.caFile !== undefined && { ca: readTlsFile('caFile', tls.caFile) }),
      ...(tls.certFile !== undefined && { cert: readTlsFile('certFile', tls.certFile) }),
      ...(tls.keyFile !== undefined && { key: readTlsFile('keyFile', tls.keyFile) }),
      ...(tls.serverName !== undefined && { servername: tls.serverName }),
      rejectUnauthorized: !tls.insecureSkipVerify,
    },
  });
}

function readTlsFile(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UpstreamTlsFileError(`ingressGateway.tls.${key} (${file}): cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
