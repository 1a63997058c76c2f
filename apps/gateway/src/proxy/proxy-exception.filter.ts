import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * The safety net behind ProxyService: every refusal and failure of a request is answered by its exchange
 * (error-answers.ts is the one policy). What reaches this filter is a bug: it is logged, and the client gets
 * a 500 if nothing was sent yet, else the connection is cut.
 */
@Catch()
export class ProxyExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProxyExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    this.logger.error(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
    const raw = host.switchToHttp().getResponse<FastifyReply>().raw;
    if (raw.headersSent || raw.writableEnded) {
      raw.destroy();
      return;
    }
    const body = JSON.stringify({ error: 'internal_error', message: 'internal error' });
    raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
  }
}
