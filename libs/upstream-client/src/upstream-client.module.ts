import { Module, type DynamicModule } from '@nestjs/common';
import { createUpstreamAgent } from './upstream-agents';
import { UpstreamClient } from './upstream-client';
import { UPSTREAM_CLIENT_OPTIONS, type UpstreamClientOptions } from './upstream-client.options';
import { UPSTREAM_AGENT } from './upstream-client.tokens';

/** The upstream client and its keep-alive agent, configured once from the gateway config. */
@Module({})
export class UpstreamClientModule {
  static forRoot(options: UpstreamClientOptions): DynamicModule {
    return {
      module: UpstreamClientModule,
      providers: [
        { provide: UPSTREAM_CLIENT_OPTIONS, useValue: options },
        { provide: UPSTREAM_AGENT, useValue: createUpstreamAgent(options) },
        UpstreamClient,
      ],
      exports: [UpstreamClient],
    };
  }
}
