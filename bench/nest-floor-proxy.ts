/**
 * The framework floor: the bare proxy's forwarding (bench/bare-proxy.ts, same undici Pool and header rule)
 * behind a Nest controller on Fastify, set up as the gateway's proxy port is (every URL rewritten to the one
 * `@All()` route, no body parser, the reply hijacked). No tracing, metrics, access log or request checks:
 * what the gateway would cost if it did nothing of its own. The gap between this row and the bare proxy is
 * Nest + Fastify; the gap between this row and the gateway is ours.
 *
 *   node dist-tools/bench/nest-floor-proxy.js <port|0> <upstreamUrl>     prints {"port": N} when listening
 */
import 'reflect-metadata';
import { All, Controller, Inject, Module, Req, Res, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'undici';
import { endToEndHeaders, runReferenceProxy } from './bare-proxy';

const POOL = Symbol('POOL');
const POOL_CONNECTIONS = 128;

@Controller()
class FloorController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @All()
  forward(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    const raw = request.raw;
    const response = reply.raw;
    const hasBody = raw.headers['content-length'] !== undefined ? raw.headers['content-length'] !== '0' : raw.headers['transfer-encoding'] !== undefined;
    this.pool.stream(
      { path: request.originalUrl, method: raw.method ?? 'GET', headers: endToEndHeaders(raw.headers) as Record<string, string | string[]>, body: hasBody ? raw : null },
      ({ statusCode, headers }) => response.writeHead(statusCode, endToEndHeaders(headers)),
      (error) => {
        if (error === null) return;
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad gateway"}');
        else response.destroy();
      },
    );
  }
}

@Module({})
class FloorModule {
  static forRoot(upstreamUrl: string): DynamicModule {
    return {
      module: FloorModule,
      controllers: [FloorController],
      providers: [{ provide: POOL, useValue: new Pool(upstreamUrl, { connections: POOL_CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 }) }],
    };
  }
}

export async function startNestFloorProxy(port: number, upstreamUrl: string): Promise<number> {
  const adapter = new FastifyAdapter({ rewriteUrl: () => '/', return503OnClosing: false, bodyLimit: Number.MAX_SAFE_INTEGER, keepAliveTimeout: 65_000 });
  // As the gateway: bodies are not parsed, they stream through.
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule.forRoot(upstreamUrl), adapter, { bodyParser: false, logger: false });
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

if (require.main === module) runReferenceProxy('nest-floor-proxy.js', startNestFloorProxy);
