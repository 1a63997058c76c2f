import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Transform, finished, pipeline, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Tracer } from '@opentelemetry/api';
import type { FastifyReply } from 'fastify';
import { TraceService } from 'nestjs-otel';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/config';
import { GATEWAY_LIFECYCLE, type GatewayLifecycle } from '../ops/gateway-lifecycle';
import { ENDPOINT_ATTRIBUTE, TAG, extractInboundTrace, formatTraceHeaders, startProxySpans, type InboundTrace, type ProxySpans } from '@app/tracing';
import { UpstreamClient, UpstreamError, classifyUpstreamFailure, type UpstreamResponse } from '@app/upstream-client';
import { AccessLog } from './access-log';
import { buildDownstreamHeaders, buildUpstreamHeaders, requestIdFrom } from './header-policy';
import { ProxyExchange, endHttpSpan } from './proxy-exchange';
import { ProxyMetrics } from './proxy-metrics';
import { BadRequestTargetError, MethodNotAllowedError, PayloadTooLargeError, RouteNotFoundError } from './proxy.errors';
import { parseRequestTarget } from './request-target';
import { compileRoutes, matchRoute, type CompiledRoute } from './route-matcher';

/** Resolves the route, starts the spans, streams the exchange through the upstream client. */
@Injectable()
export class ProxyService {
  private readonly routes: readonly CompiledRoute[];
  private readonly tracer: Tracer;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    traceService: TraceService,
    private readonly upstream: UpstreamClient,
    private readonly metrics: ProxyMetrics,
    private readonly accessLog: AccessLog,
    @Inject(GATEWAY_LIFECYCLE) private readonly lifecycle: GatewayLifecycle,
  ) {
    this.tracer = traceService.getTracer();
    this.routes = compileRoutes(config.routes, { upstream: config.ingressGateway.url, timeoutMs: config.ingressGateway.timeoutMs });
  }

  async forward(request: IncomingMessage, reply: FastifyReply): Promise<void> {
    const requestId = requestIdFrom(request.headers['x-request-id'], randomUUID);
    const exchange = new ProxyExchange(request, reply.raw, requestId, this.metrics, this.accessLog);
    reply.header('x-request-id', requestId);
    // While draining, keep-alive clients are told to reconnect elsewhere after this response.
    if (this.lifecycle.isDraining) reply.header('connection', 'close');
    // RFC 9112 §3.2: a request with more than one Host header must be refused.
    if (countHeader(request.rawHeaders, 'host') > 1) throw new BadRequestTargetError('more than one Host header');
    const target = parseRequestTarget(request.url ?? '');
    exchange.path = target.path;
    const method = request.method ?? 'GET';
    const match = matchRoute(this.routes, method, target.path);
    if (match.kind === 'not_found') throw new RouteNotFoundError(target.path);
    if (match.kind === 'method_not_allowed') throw new MethodNotAllowedError(match.allow);
    const { route, upstreamPath } = match;
    exchange.route = route.label;
    const limit = this.config.server.maxBodyBytes;
    if (limit > 0 && Number(request.headers['content-length'] ?? 0) > limit) throw new PayloadTooLargeError(limit);

    const inbound = extractInboundTrace(request.headers);
    const spans = this.startSpans(request, inbound, method, route, target.path, upstreamPath, requestId);
    exchange.spans = spans;
    const aborted = new AbortController();
    reply.raw.once('close', () => reply.raw.writableFinished || aborted.abort());
    exchange.abortSignal = aborted.signal;
    const body = requestBody(request, limit);
    exchange.upstreamStartedAt = performance.now();
    let response: UpstreamResponse;
    try {
      response = await this.upstream.request({
        url: upstreamUrl(route.upstream, upstreamPath, target.query),
        method,
        headers: buildUpstreamHeaders(request.rawHeaders, {
          host: route.host ?? route.upstream.host,
          clientAddress: request.socket.remoteAddress,
          forwardedHost: request.headers.host,
          requestId,
          traceHeaders: formatTraceHeaders(spans.outbound, this.config.tracing.propagators),
          tracestate: inbound.tracestate,
        }),
        body,
        timeoutMs: route.timeoutMs,
        signal: aborted.signal,
      });
    } catch (error) {
      const failure = body?.errored instanceof PayloadTooLargeError ? body.errored : error;
      exchange.upstreamEndedAt = performance.now();
      exchange.failure = failure instanceof Error ? failure.message : 'upstream request failed';
      endHttpSpan(spans.client, 0, exchange.failure);
      throw failure instanceof UpstreamError || failure instanceof PayloadTooLargeError ? failure : new Error(exchange.failure);
    }
    this.streamResponse(exchange, spans, response, reply);
  }

  private startSpans(request: IncomingMessage, inbound: InboundTrace, method: string, route: CompiledRoute, path: string, upstreamPath: string, requestId: string): ProxySpans {
    const upstreamHost = route.upstream.hostname.replace(/^\[|\]$/g, '');
    return startProxySpans(this.tracer, inbound, {
      name: `${method} ${route.label}`,
      serverAttributes: {
        [TAG.httpMethod]: method,
        [TAG.httpPath]: path,
        [TAG.httpRoute]: route.path,
        [TAG.requestId]: requestId,
        [ENDPOINT_ATTRIBUTE.peerAddress]: request.socket.remoteAddress,
        [ENDPOINT_ATTRIBUTE.peerPort]: request.socket.remotePort,
      },
      clientAttributes: {
        [TAG.httpMethod]: method,
        [TAG.httpPath]: upstreamPath,
        [TAG.httpRoute]: route.path,
        [ENDPOINT_ATTRIBUTE.peerService]: this.config.ingressGateway.serviceName,
        ...(isIP(upstreamHost) !== 0 && { [ENDPOINT_ATTRIBUTE.peerAddress]: upstreamHost }),
        [ENDPOINT_ATTRIBUTE.peerPort]: Number(route.upstream.port || (route.upstream.protocol === 'https:' ? 443 : 80)),
      },
    });
  }

  private describeBodyFailure(error: Error, exchange: ProxyExchange): string {
    const context = { aborted: exchange.clientAborted, timeoutMs: 0, idleTimeoutMs: this.config.ingressGateway.idleTimeoutMs };
    return classifyUpstreamFailure(error, context).message;
  }

  /** Headers and body back to the client; the CLIENT span ends with the upstream body, errors included. */
  private streamResponse(exchange: ProxyExchange, spans: ProxySpans, response: UpstreamResponse, reply: FastifyReply): void {
    exchange.upstreamStatus = response.status;
    // `finished` fires on end, error or premature close: the CLIENT span ends with the upstream body.
    finished(response.body, (bodyError) => {
      exchange.upstreamEndedAt = performance.now();
      if (bodyError !== undefined && bodyError !== null) exchange.failure = this.describeBodyFailure(bodyError, exchange);
      endHttpSpan(spans.client, response.status, bodyError ? exchange.failure : undefined);
    });
    const headers = buildDownstreamHeaders(response.rawHeaders, exchange.requestId);
    if (this.lifecycle.isDraining) headers.connection = 'close';
    // Written on the raw response (measured cheaper than Fastify's stream send); pipeline destroys the
    // client connection when the upstream body fails mid-way, so nothing is written after a failure.
    reply.hijack();
    reply.raw.writeHead(response.status, headers);
    pipeline(response.body, reply.raw, () => undefined);
  }
}

/** The upstream URL: its own base path, the rewritten path, the caller's query. Only path and query vary. */
function upstreamUrl(upstream: URL, path: string, query: string): URL {
  const url = new URL(upstream.href);
  const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  url.pathname = `${basePath}${path}`;
  url.search = query;
  return url;
}

/** The request body as a stream, counted against the limit when no Content-Length promised its size. */
function requestBody(request: IncomingMessage, limit: number): Readable | undefined {
  const declared = request.headers['content-length'];
  if (declared !== undefined) return declared === '0' ? undefined : request;
  if (request.headers['transfer-encoding'] === undefined) return undefined;
  if (limit === 0) return request;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      received += chunk.length;
      callback(received > limit ? new PayloadTooLargeError(limit) : null, chunk);
    },
  });
  request.once('error', (error) => counter.destroy(error));
  return request.pipe(counter);
}

function countHeader(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].length === name.length && rawHeaders[i].toLowerCase() === name) count += 1;
  return count;
}
