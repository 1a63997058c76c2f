export { UpstreamClient, type UpstreamCall, type UpstreamRequest, type UpstreamSettled } from './upstream-client';
export type { ResponseTarget, UpstreamResponseHead } from './forwarding-handler';
export { UpstreamClientModule } from './upstream-client.module';
export { classifyUpstreamFailure } from './classify-upstream-failure';
export type { UpstreamClientOptions } from './upstream-client.options';
export {
  ClientStalledError,
  UpstreamAbortedError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamTlsFileError,
  UpstreamUnavailableError,
} from './upstream.errors';
