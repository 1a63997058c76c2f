import { All, Controller, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProxyExceptionFilter } from './proxy-exception.filter';
import { ProxyService } from './proxy.service';

/**
 * Every request on the gateway port: Fastify rewrites every URL to `/` and knows every method Node parses,
 * so this one route sees them all, and the configured routes decide what is proxied.
 */
@Controller()
@UseFilters(ProxyExceptionFilter)
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All()
  forward(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.proxy.handle(request, reply);
  }
}
