/**
 * The reference: the practical limit of a Node proxy. node:http server + one undici Pool (keep-alive,
 * pipelining 1), bodies streamed both ways, hop-by-hop headers dropped, no tracing, no logging.
 *
 *   node dist-tools/bench/bare-proxy.js <port|0> <upstreamUrl>     prints {"port": N} when listening
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const POOL_CONNECTIONS = 128;

/** RFC 9110 §7.6.1 hop-by-hop fields, plus `host` (the pool sets the upstream's) and `expect` (undici refuses it). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'expect']);

/** The headers minus hop-by-hop ones and those the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const connection = headers.connection;
  const named = typeof connection === 'string' ? connection.toLowerCase().split(',').map((name) => name.trim()) : [];
  const forwarded: OutgoingHttpHeaders = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) forwarded[name] = value;
  }
  return forwarded;
}

export function startBareProxy(port: number, upstreamUrl: string): Promise<number> {
  const pool = new Pool(upstreamUrl, { connections: POOL_CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    const hasBody = request.headers['content-length'] !== undefined ? request.headers['content-length'] !== '0' : request.headers['transfer-encoding'] !== undefined;
    // stream() writes the upstream body straight into the response: no intermediate Readable, and no
    // stream.pipeline(), whose per-call AbortController and DOMException cost ~10% of a request on Node 20.
    pool.stream(
      { path: request.url ?? '/', method: request.method ?? 'GET', headers: endToEndHeaders(request.headers) as Record<string, string | string[]>, body: hasBody ? request : null },
      ({ statusCode, headers }) => response.writeHead(statusCode, endToEndHeaders(headers)),
      (error) => {
        if (error === null) return;
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad gateway"}');
        else response.destroy();
      },
    );
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * The command line of a reference proxy (`<script> <port|0> <upstreamUrl>`): starts it, prints {"port": N}
 * once listening, exits 0 on SIGTERM.
 */
export function runReferenceProxy(script: string, start: (port: number, upstreamUrl: string) => Promise<number>): void {
  const [port = '0', upstreamUrl] = process.argv.slice(2);
  if (upstreamUrl === undefined) {
    process.stderr.write(`usage: node dist-tools/bench/${script} <port> <upstreamUrl>\n`);
    process.exit(2);
  }
  void start(Number(port), upstreamUrl).then((listening) => process.stdout.write(`${JSON.stringify({ port: listening })}\n`));
  process.once('SIGTERM', () => process.exit(0));
}

if (require.main === module) runReferenceProxy('bare-proxy.js', startBareProxy);
