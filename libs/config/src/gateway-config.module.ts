import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { GatewayConfig } from './gateway-config.dto';

/** What ConfigService holds: inject `ConfigService<GatewayConfigTree, true>`; `get('gateway', { infer: true })` is typed. */
export interface GatewayConfigTree {
  readonly gateway: GatewayConfig;
}

/**
 * Provides the config validated once at boot (by loadGatewayConfig, before tracing starts: one message lists
 * every problem) through @nestjs/config's ConfigService, under the `gateway` key. No .env file and no
 * environment reads here: the loader owns both.
 */
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, ignoreEnvVars: true, load: [() => ({ gateway: config })] })],
      exports: [ConfigModule],
    };
  }
}
