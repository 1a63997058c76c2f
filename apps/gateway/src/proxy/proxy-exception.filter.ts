import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UpstreamAbortedError, UpstreamTimeoutError, UpstreamUnavailableError } from '@app/upstream-client';
import { exchangeOf } from './proxy-exchange';
import { BadRequestTargetError, MethodNotAllowedError, PayloadTooLargeError, RouteNotFoundError } from './proxy.errors';

interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The one error policy of the proxy port. */
export function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof RouteNotFoundError) return { status: 404, code: 'route_not_found' };
  if (error instanceof MethodNotAllowedError) return { status: 405, code: 'method_not_allowed', headers: { allow: error.allow.join(', ') } };
  if (error instanceof BadRequestTargetError) return { status: 400, code: 'bad_request_target' };
  // The unread rest of the body would be parsed as the next request: close the connection.
  if (error instanceof PayloadTooLargeError) return { status: 413, code: 'payload_too_large', headers: { connection: 'close' } };
  if (error instanceof UpstreamTimeoutError) return { status: 504, code: 'upstream_timeout' };
  if (error instanceof UpstreamUnavailableError) return { status: 502, code: 'upstream_unavailable' };
  return { status: 500, code: 'internal_error' };
}

@Catch()
export class ProxyExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProxyExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // Nobody to answer, or too late to answer: never write after headers are sent.
    if (error instanceof UpstreamAbortedError || reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    const answer = answerFor(error);
    if (answer.status === 500) this.logger.error(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
    const exchange = exchangeOf(request.raw);
    void reply
      .code(answer.status)
      .headers({ ...answer.headers, 'content-type': 'application/json; charset=utf-8' })
      .send(JSON.stringify({
        error: answer.code,
        message: error instanceof Error && answer.status !== 500 ? error.message : 'internal error',
        ...(exchange !== undefined && { requestId: exchange.requestId }),
        ...(exchange?.traceId !== undefined && { traceId: exchange.traceId }),
      }));
  }
}
