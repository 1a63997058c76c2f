/** zipkin-instrumentation-fetch's one export (the package ships no types): a fetch that starts a CLIENT span and sends B3 headers. */
declare module 'zipkin-instrumentation-fetch' {
  import type { Tracer } from 'zipkin';

  interface WrapFetchOptions {
    readonly tracer: Tracer;
    readonly serviceName?: string;
    readonly remoteServiceName?: string;
  }

  type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

  function wrapFetch(fetch: Fetch, options: WrapFetchOptions): Fetch;

  export = wrapFetch;
}
