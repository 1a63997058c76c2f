import { All, Controller, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProxyExceptionFilter } from './proxy-exception.filter';
import { ProxyService } from './proxy.service';

/** Every path and method on the gateway port; the configured routes decide what is proxied. */
@Controller()
@UseFilters(ProxyExceptionFilter)
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All('*')
  forward(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(request.raw, reply);
  }
}
