import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TelemetryModule, type TelemetryHandles } from '@app/tracing';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { EventLoopMetrics } from './event-loop-metrics';
import { GATEWAY_LIFECYCLE, PROMETHEUS_EXPORTER, type GatewayLifecycle } from './gateway-lifecycle';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { BUILD_INFO, ProcessMetrics, type BuildInfo } from './process-metrics';

export interface AdminModuleOptions {
  readonly lifecycle: GatewayLifecycle;
  readonly prometheus: PrometheusExporter;
  readonly buildInfo: BuildInfo;
  readonly telemetry: TelemetryHandles;
}

/** The admin port's app: health and metrics, never proxied, never traced. */
@Module({})
export class AdminModule {
  static forRoot(options: AdminModuleOptions): DynamicModule {
    return {
      module: AdminModule,
      imports: [TerminusModule.forRoot({ logger: false }), TelemetryModule.forRoot(options.telemetry)],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: GATEWAY_LIFECYCLE, useValue: options.lifecycle },
        { provide: PROMETHEUS_EXPORTER, useValue: options.prometheus },
        { provide: BUILD_INFO, useValue: options.buildInfo },
        EventLoopMetrics,
        ProcessMetrics,
      ],
    };
  }
}
