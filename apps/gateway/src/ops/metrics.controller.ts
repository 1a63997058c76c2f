import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROMETHEUS_EXPORTER } from './gateway-lifecycle';

/** Prometheus text exposition of every OpenTelemetry metric of the process. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PROMETHEUS_EXPORTER) private readonly prometheus: PrometheusExporter) {}

  @Get()
  scrape(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    this.prometheus.getMetricsRequestHandler(request.raw, reply.raw);
  }
}
