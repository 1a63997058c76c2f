import { Module, type DynamicModule } from '@nestjs/common';
import { HttpModule, HttpService } from '@nestjs/axios';
import { createUpstreamAgents, type UpstreamAgents } from './upstream-agents';
import { UpstreamClient } from './upstream-client';
import { UPSTREAM_CLIENT_OPTIONS, type UpstreamClientOptions } from './upstream-client.options';
import { UPSTREAM_AGENTS } from './upstream-client.tokens';

/**
 * The axios instance is set up as a transparent streaming client: no redirects followed, no
 * decompression, every status returned as a response, no default headers added.
 */
@Module({})
export class UpstreamClientModule {
  static forRoot(options: UpstreamClientOptions): DynamicModule {
    const agents = createUpstreamAgents(options);
    return {
      module: UpstreamClientModule,
      imports: [
        HttpModule.register({
          httpAgent: agents.http,
          httpsAgent: agents.https,
          proxy: false,
          maxRedirects: 0,
          decompress: false,
          responseType: 'stream',
          validateStatus: () => true,
          // -1, not Infinity: any other value makes axios re-wrap the response stream in an async generator.
          maxBodyLength: -1,
          maxContentLength: -1,
          transformRequest: [(data: unknown) => data],
          transitional: { clarifyTimeoutError: true },
        }),
      ],
      providers: [
        { provide: UPSTREAM_CLIENT_OPTIONS, useValue: options },
        { provide: UPSTREAM_AGENTS, useValue: agents },
        {
          provide: UpstreamClient,
          useFactory: (http: HttpService, upstreamAgents: UpstreamAgents) => {
            // axios adds Accept and Content-Type defaults; a proxy must forward the caller's headers only.
            http.axiosRef.defaults.headers.common = {};
            return new UpstreamClient(http, upstreamAgents, options);
          },
          inject: [HttpService, UPSTREAM_AGENTS],
        },
      ],
      exports: [UpstreamClient],
    };
  }
}
