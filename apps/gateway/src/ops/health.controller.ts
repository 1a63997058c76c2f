import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { GATEWAY_LIFECYCLE, type GatewayLifecycle } from './gateway-lifecycle';

/** Kubernetes probes, on the admin port only. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(GATEWAY_LIFECYCLE) private readonly lifecycle: GatewayLifecycle,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  /** Takes traffic: listening, not draining (false from the first moment of SIGTERM), upstream pool not exhausted too long. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => {
        const { ready, ...details } = this.lifecycle.state;
        const gateway = this.indicators.check('gateway');
        return ready ? gateway.up(details) : gateway.down(details);
      },
    ]);
  }
}
