import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BatchRecorder, ExplicitContext, Instrumentation, jsonEncoder, option, sampler, Tracer } from 'zipkin';
import wrapFetch from 'zipkin-instrumentation-fetch';
import { HttpLogger } from 'zipkin-transport-http';
import { LoopbackHttpServer } from './loopback-server';

/**
 * The parties around the gateway, traced by zipkin-js (openzipkin's JavaScript tracer) as an application
 * wires it, so the gateway's B3 handling and spans meet a tracer nobody here wrote.
 */

/** How often zipkin-js's HttpLogger posts its queue: short, so tests wait on the collector, not on a timer. */
const HTTP_INTERVAL_MS = 20;

/** BatchRecorder → HttpLogger posting V2 JSON. The logger's failures (any answer but 200/202) are kept, not printed. */
export class ZipkinJsReporter {
  readonly errors: string[] = [];
  readonly recorder: BatchRecorder;

  constructor(endpoint: string) {
    const logger = new HttpLogger({
      endpoint,
      jsonEncoder: jsonEncoder.JSON_V2,
      httpInterval: HTTP_INTERVAL_MS,
      log: { error: (...args: unknown[]) => void this.errors.push(args.map(String).join(' ')) },
    });
    this.recorder = new BatchRecorder({ logger });
  }
}

/** How the caller decides a new trace: its sampler says yes, its sampler says no, or zipkin-js's debug flag. */
export type CallerDecision = 'sampled' | 'unsampled' | 'debug';

export interface CallerExchange {
  readonly status: number;
  /** The headers zipkin-js put on the request (lower-case names). */
  readonly sentHeaders: Readonly<Record<string, string>>;
}

/** An application outside the mesh calling the gateway through zipkin-instrumentation-fetch over Node's fetch. */
export class ZipkinJsCaller {
  private readonly sampledTracer: Tracer;
  private readonly unsampledTracer: Tracer;

  constructor(
    recorder: BatchRecorder,
    private readonly serviceName: string,
    private readonly remoteServiceName: string,
  ) {
    // traceId128Bit false: zipkin-js starts 64-bit traces (16 hex characters), its default, said explicitly.
    const tracer = (decide: typeof sampler.alwaysSample): Tracer =>
      new Tracer({ ctxImpl: new ExplicitContext(), recorder, sampler: new sampler.Sampler(decide), traceId128Bit: false, localServiceName: serviceName });
    this.sampledTracer = tracer(sampler.alwaysSample);
    this.unsampledTracer = tracer(sampler.neverSample);
  }

  /** GET `url` as a new trace decided as told; resolves once the whole response was read. */
  async get(url: string, decision: CallerDecision): Promise<CallerExchange> {
    const tracer = decision === 'unsampled' ? this.unsampledTracer : this.sampledTracer;
    let sentHeaders: Record<string, string> = {};
    const recordingFetch = (input: string, init?: RequestInit): Promise<Response> => {
      sentHeaders = Object.fromEntries(new Headers(init?.headers).entries());
      return fetch(input, init);
    };
    const tracedFetch = wrapFetch(recordingFetch, { tracer, serviceName: this.serviceName, remoteServiceName: this.remoteServiceName });
    // Debug is a property of the trace: zipkin-js's own root id with isDebug, which its child (the CLIENT span) inherits.
    const response = await (decision === 'debug' ? tracer.letId(tracer.createRootId(option.None, true), () => tracedFetch(url)) : tracedFetch(url));
    await response.arrayBuffer();
    return { status: response.status, sentHeaders };
  }
}

/**
 * A service inside the mesh: a node:http server traced by zipkin's Instrumentation.HttpServer, wired the way
 * zipkin-instrumentation-express wires it (recordRequest in a scope, recordResponse on finish or close).
 */
export class ZipkinJsMeshService extends LoopbackHttpServer {
  /** Headers of every request received, in order. */
  readonly received: IncomingHttpHeaders[] = [];
  private readonly tracer: Tracer;
  private instrumentation: Instrumentation.HttpServer | undefined;

  constructor(recorder: BatchRecorder, serviceName: string) {
    super();
    // zipkin-js defaults: always sample, supportsJoin (a SERVER span keeps the span id it was sent).
    this.tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder, localServiceName: serviceName });
  }

  override async start(): Promise<this> {
    await super.start();
    this.instrumentation = new Instrumentation.HttpServer({ tracer: this.tracer, port: this.port });
    return this;
  }

  /** The headers of the request that carried `traceId` (compared as 128-bit, so a padded id is found too). */
  receivedFor(traceId: string): IncomingHttpHeaders | undefined {
    return this.received.find((headers) => sameTrace(String(headers['x-b3-traceid']), traceId));
  }

  protected override handle(request: IncomingMessage, response: ServerResponse): void {
    this.received.push(request.headers);
    const instrumentation = this.instrumentation;
    if (instrumentation === undefined) return void response.writeHead(503).end();
    this.tracer.scoped(() => {
      const readHeader = <T>(name: string): option.IOption<T> => {
        const value = request.headers[name.toLowerCase()];
        return (typeof value === 'string' ? new option.Some(value) : option.None) as option.IOption<T>;
      };
      const id = instrumentation.recordRequest(request.method ?? 'GET', `http://${request.headers.host ?? '127.0.0.1'}${request.url ?? '/'}`, readHeader);
      const onCloseOrFinish = (): void => {
        response.off('close', onCloseOrFinish).off('finish', onCloseOrFinish);
        this.tracer.letId(id, () => instrumentation.recordResponse(id, String(response.statusCode)));
      };
      response.once('close', onCloseOrFinish).once('finish', onCloseOrFinish);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ served: 'mesh', url: request.url }));
    });
  }
}

/** Trace ids of one trace: a 64-bit id and the same id zero-padded to 128 bits are the same trace (B3). */
export function sameTrace(a: string, b: string): boolean {
  return a.padStart(32, '0') === b.padStart(32, '0');
}
