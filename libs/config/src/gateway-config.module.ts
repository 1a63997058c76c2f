import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { GatewayConfig } from './gateway-config.dto';

/** Injection token of the validated GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/**
 * Provides the config validated once at boot (by loadGatewayConfig, before tracing starts), both as the
 * typed GATEWAY_CONFIG and through @nestjs/config's ConfigService under the `gateway` key.
 */
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ gateway: config })] })],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG, ConfigModule],
    };
  }
}
