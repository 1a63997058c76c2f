export { UpstreamClient, type UpstreamRequest, type UpstreamResponse } from './upstream-client';
export { UpstreamClientModule } from './upstream-client.module';
export { classifyUpstreamFailure } from './classify-upstream-failure';
export type { UpstreamClientOptions } from './upstream-client.options';
export {
  UpstreamAbortedError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamTlsFileError,
  UpstreamUnavailableError,
} from './upstream.errors';
