import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { FastifyReply } from 'fastify';
import { TraceService } from 'nestjs-otel';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/config';
import { GATEWAY_LIFECYCLE, type GatewayLifecycle } from '../ops/gateway-lifecycle';
import { ENDPOINT_ATTRIBUTE, TAG, extractInboundTrace, formatTraceHeaders, startProxySpans, type InboundTrace, type ProxySpans } from '@app/tracing';
import { UpstreamClient, type UpstreamResponseHead } from '@app/upstream-client';
import { AccessLog } from './access-log';
import { buildDownstreamHeaders, buildUpstreamHeaders, rawHeaderValues, requestIdFrom } from './header-policy';
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
  private readonly upstreamPeers: ReadonlyMap<CompiledRoute, Attributes>;

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
    this.upstreamPeers = new Map(this.routes.map((route) => [route, upstreamPeerAttributes(route, config.ingressGateway.serviceName)]));
  }

  async forward(request: IncomingMessage, reply: FastifyReply): Promise<void> {
    const requestId = requestIdFrom(request.headers['x-request-id'], randomUUID);
    const exchange = new ProxyExchange(request, reply.raw, requestId, this.metrics, this.accessLog);
    reply.header('x-request-id', requestId);
    // While draining, keep-alive clients are told to reconnect elsewhere after this response.
    if (this.lifecycle.isDraining) reply.header('connection', 'close');
    // RFC 9112 §3.2: a request with more than one Host header must be refused.
    if (rawHeaderValues(request.rawHeaders, 'host').length > 1) throw new BadRequestTargetError('more than one Host header');
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
    const body = requestBody(request, limit);
    exchange.upstreamStartedAt = performance.now();
    await new Promise<void>((resolve, reject) => {
      exchange.upstreamCall = this.upstream.forward(
        {
          origin: route.origin,
          path: `${route.basePath}${upstreamPath}${target.query}`,
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
        },
        (head) => this.startResponse(exchange, head, reply),
        // Synchronous, before the response ends: the CLIENT span closes before the SERVER span.
        (error) => {
          exchange.upstreamEndedAt = performance.now();
          if (error === undefined) {
            endHttpSpan(spans.client, exchange.upstreamStatus ?? 0, undefined);
            return resolve();
          }
          const failure = body?.errored instanceof PayloadTooLargeError ? body.errored : error;
          exchange.failure = failure.message;
          endHttpSpan(spans.client, exchange.upstreamStatus ?? 0, exchange.failure);
          // Nothing sent yet: the exception filter answers (502, 504, 413).
          if (exchange.upstreamStatus === undefined) return reject(failure);
          // Headers already sent: too late to answer; the cut connection shows the client the response is incomplete.
          reply.raw.destroy();
          resolve();
        },
      );
    });
  }

  private startSpans(request: IncomingMessage, inbound: InboundTrace, method: string, route: CompiledRoute, path: string, upstreamPath: string, requestId: string): ProxySpans {
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
        ...this.upstreamPeers.get(route),
      },
    });
  }

  /** The upstream's status and headers go out as they arrive; its body is then written straight into the response. */
  private startResponse(exchange: ProxyExchange, head: UpstreamResponseHead, reply: FastifyReply): ServerResponse {
    const headers = buildDownstreamHeaders(head.rawHeaders, exchange.requestId);
    if (this.lifecycle.isDraining) headers.connection = 'close';
    // Written on the raw response (measured cheaper than Fastify's stream send). Hijacked only once the head
    // is written: if writeHead refuses a header, the exception filter can still answer 502.
    reply.raw.writeHead(head.status, headers);
    reply.hijack();
    exchange.upstreamStatus = head.status;
    return reply.raw;
  }
}

/** The CLIENT span's fixed attributes of a route: its path and the upstream as remote endpoint. */
function upstreamPeerAttributes(route: CompiledRoute, serviceName: string): Attributes {
  const host = route.upstream.hostname.replace(/^\[|\]$/g, '');
  return {
    [TAG.httpRoute]: route.path,
    [ENDPOINT_ATTRIBUTE.peerService]: serviceName,
    ...(isIP(host) !== 0 && { [ENDPOINT_ATTRIBUTE.peerAddress]: host }),
    [ENDPOINT_ATTRIBUTE.peerPort]: Number(route.upstream.port || (route.upstream.protocol === 'https:' ? 443 : 80)),
  };
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
