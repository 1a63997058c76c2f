import { Module, type DynamicModule } from '@nestjs/common';
import { MetricService, TraceService } from 'nestjs-otel';
import { GatewayConfigModule, type GatewayConfig } from '@app/config';
import type { BufferedLineWriter } from '@app/tracing';
import { UpstreamClientModule } from '@app/upstream-client';
import { ACCESS_LOG_WRITER, AccessLog } from './proxy/access-log';
import { ProxyController } from './proxy/proxy.controller';
import { ProxyMetrics } from './proxy/proxy-metrics';
import { ProxyService } from './proxy/proxy.service';
import { GATEWAY_LIFECYCLE, type GatewayLifecycle } from './ops/gateway-lifecycle';

export interface GatewayModuleOptions {
  readonly config: GatewayConfig;
  /** Where access-log lines go (stdout in production). */
  readonly logWriter: BufferedLineWriter;
  readonly lifecycle: GatewayLifecycle;
}

/** The proxy port's app. */
@Module({})
export class GatewayModule {
  static forRoot({ config, logWriter, lifecycle }: GatewayModuleOptions): DynamicModule {
    const { ingressGateway } = config;
    return {
      module: GatewayModule,
      imports: [
        GatewayConfigModule.forRoot(config),
        UpstreamClientModule.forRoot({
          maxSockets: ingressGateway.maxSockets,
          keepAliveMs: ingressGateway.keepAliveMs,
          idleTimeoutMs: ingressGateway.idleTimeoutMs,
          tls: ingressGateway.tls,
        }),
      ],
      controllers: [ProxyController],
      // nestjs-otel's services without its module: the module applies a middleware to every route, which
      // costs the proxy port a middleware pass per request for nothing (our spans are made explicitly).
      providers: [
        TraceService,
        MetricService,
        ProxyService,
        ProxyMetrics,
        AccessLog,
        { provide: GATEWAY_LIFECYCLE, useValue: lifecycle },
        { provide: ACCESS_LOG_WRITER, useValue: config.logging.accessLog ? logWriter : undefined },
      ],
    };
  }
}
