import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayConfigModule, type GatewayConfig } from '@app/config';
import { TelemetryModule, type BufferedLineWriter, type TelemetryHandles } from '@app/tracing';
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
  /** The one tracer, meter and local histograms of the app (startTelemetry). */
  readonly telemetry: TelemetryHandles;
}

/** The proxy port's app. */
@Module({})
export class GatewayModule {
  static forRoot({ config, logWriter, lifecycle, telemetry }: GatewayModuleOptions): DynamicModule {
    const { ingressGateway } = config;
    return {
      module: GatewayModule,
      imports: [
        GatewayConfigModule.forRoot(config),
        TelemetryModule.forRoot(telemetry),
        UpstreamClientModule.forRoot({
          maxSockets: ingressGateway.maxSockets,
          keepAliveMs: ingressGateway.keepAliveMs,
          idleTimeoutMs: ingressGateway.idleTimeoutMs,
          tls: ingressGateway.tls,
        }),
      ],
      controllers: [ProxyController],
      providers: [
        ProxyService,
        ProxyMetrics,
        AccessLog,
        { provide: GATEWAY_LIFECYCLE, useValue: lifecycle },
        { provide: ACCESS_LOG_WRITER, useValue: config.logging.accessLog ? logWriter : undefined },
      ],
    };
  }
}
