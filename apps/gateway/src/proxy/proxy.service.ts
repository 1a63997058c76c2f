import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigService } from '@nestjs/config';
import type { GatewayConfig, GatewayConfigTree } from '@app/config';
import { ENDPOINT_ATTRIBUTE, TAG, TRACER, extractInboundTrace, formatTraceHeaders, spanTimeAt, startProxySpans, type InboundTraceOptions } from '@app/tracing';
import { UpstreamClient } from '@app/upstream-client';
import { GATEWAY_LIFECYCLE, type GatewayLifecycle } from '../ops/gateway-lifecycle';
import { AccessLog } from './access-log';
import { buildDownstreamHeaders, buildUpstreamHeaders, compileHeaderDropList, requestIdFrom, type HeaderFilter } from './header-policy';
import { ProxyExchange, type ExchangeSinks } from './proxy-exchange';
import { ProxyMetrics } from './proxy-metrics';
import { MethodNotAllowedError, PayloadTooLargeError, PipelineTooDeepError, RouteNotFoundError } from './proxy.errors';
import { QueuedResponses } from './queued-responses';
import { checkRequestHead, expectsContinue } from './request-head';
import { parseRequestTarget, type RequestTarget } from './request-target';
import { compileRoutes, matchRoute, type CompiledRoute } from './route-matcher';

/** Takes each request over from Fastify, admits or refuses it, starts the spans, calls the upstream. */
@Injectable()
export class ProxyService {
  private readonly routes: readonly CompiledRoute[];
  private readonly upstreamPeers: ReadonlyMap<CompiledRoute, Attributes>;
  private readonly dropRequestHeader: HeaderFilter;
  private readonly sinks: ExchangeSinks;
  private readonly inboundOptions: InboundTraceOptions;
  /** Per route: its path template and upstream address, as the metrics label them. */
  private readonly matchedInfo: ReadonlyMap<CompiledRoute, NonNullable<ProxyExchange['matched']>>;
  /** tracing.requestHeaderTags: [lower-case header, tag] pairs. */
  private readonly headerTags: ReadonlyArray<readonly [string, string]>;

  private readonly config: GatewayConfig;

  constructor(
    configService: ConfigService<GatewayConfigTree, true>,
    @Inject(TRACER) private readonly tracer: Tracer,
    private readonly upstream: UpstreamClient,
    metrics: ProxyMetrics,
    accessLog: AccessLog,
    @Inject(GATEWAY_LIFECYCLE) lifecycle: GatewayLifecycle,
  ) {
    const config = configService.get('gateway', { infer: true });
    this.config = config;
    this.routes = compileRoutes(config.routes, { upstream: config.ingressGateway.url, timeoutMs: config.ingressGateway.timeoutMs });
    this.upstreamPeers = new Map(this.routes.map((route) => [route, upstreamPeerAttributes(route, config.ingressGateway.serviceName)]));
    this.matchedInfo = new Map(
      this.routes.map((route) => {
        const [serverAddress, serverPort] = [upstreamHost(route), upstreamPort(route)];
        return [route, { template: route.path, serverAddress, serverPort, upstreamAddress: `${serverAddress}:${serverPort}` }];
      }),
    );
    this.dropRequestHeader = compileHeaderDropList(config.server.dropRequestHeaders);
    this.inboundOptions = { honorDebug: config.tracing.honorDebug };
    this.headerTags = Object.entries(config.tracing.requestHeaderTags).map(([header, tag]) => [header.toLowerCase(), tag] as const);
    this.sinks = {
      metrics,
      accessLog,
      draining: () => lifecycle.isDraining,
      queued: new QueuedResponses(),
      traceIdHeader: config.tracing.responseTraceIdHeader?.toLowerCase(),
    };
  }

  /** Fastify hands the request over here, once: from now on only its exchange writes the response. */
  handle(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    const raw = request.raw;
    const queuedBefore = raw.socket === null ? 0 : this.sinks.queued.depth(raw.socket);
    const exchange = new ProxyExchange(raw, reply.raw, requestIdFrom(raw.headers['x-request-id'], randomUUID), this.sinks);
    try {
      if (queuedBefore >= this.config.server.maxPipelinedRequests) throw new PipelineTooDeepError(this.config.server.maxPipelinedRequests);
      // Fastify routes every URL to the one proxy route (rewriteUrl): the target as received is ours to parse.
      this.admit(exchange, parseRequestTarget(request.originalUrl));
    } catch (error) {
      exchange.fail(error);
    }
  }

  /** Refusals come first (typed errors, answered by the exchange); an admitted request waits for its turn. */
  private admit(exchange: ProxyExchange, target: RequestTarget): void {
    const { request } = exchange;
    checkRequestHead(request.rawHeaders, this.config.server.maxBodyBytes);
    exchange.path = target.path;
    const method = request.method ?? 'GET';
    const match = matchRoute(this.routes, method, target.path);
    if (match.kind === 'not_found') throw new RouteNotFoundError(target.path);
    if (match.kind === 'method_not_allowed') throw new MethodNotAllowedError(match.allow);
    exchange.route = match.route.label;
    exchange.matched = this.matchedInfo.get(match.route);
    exchange.whenActive(() => {
      try {
        this.forward(exchange, match.route, match.upstreamPath, target.query, method);
      } catch (error) {
        exchange.fail(error);
      }
    });
  }

  private forward(exchange: ProxyExchange, route: CompiledRoute, upstreamPath: string, query: string, method: string): void {
    const { request, requestId } = exchange;
    const inbound = extractInboundTrace(request.headers, this.inboundOptions);
    const dispatchedAt = performance.now();
    const spans = startProxySpans(this.tracer, inbound, {
      name: `${method} ${route.label}`,
      serverAttributes: () => this.serverSpanAttributes(exchange, route, method),
      clientAttributes: () => ({ [TAG.httpMethod]: method, [TAG.httpPath]: upstreamPath, ...this.upstreamPeers.get(route) }),
      serverStartTime: spanTimeAt(exchange.arrivedAt),
      clientStartTime: spanTimeAt(dispatchedAt),
      samplerRatio: route.samplerArg,
    });
    const limit = this.config.server.maxBodyBytes;
    const body = requestBody(request, limit);
    // The client waited for our go-ahead before sending its body (the server does not send it by itself).
    if (body !== undefined && expectsContinue(request.rawHeaders)) exchange.sendContinue();
    const call = this.upstream.forward(
      {
        origin: route.origin,
        path: `${route.basePath}${upstreamPath}${query}`,
        method,
        headers: buildUpstreamHeaders(request.rawHeaders, {
          host: route.host ?? route.upstream.host,
          clientAddress: request.socket.remoteAddress,
          forwardedHost: request.headers.host,
          requestId,
          traceHeaders: formatTraceHeaders(spans.outbound, this.config.tracing.propagators),
          tracestate: inbound.tracestate,
          drop: this.dropRequestHeader,
        }),
        body,
        timeoutMs: route.timeoutMs,
      },
      (head) => exchange.respondWithUpstreamHead(head.status, buildDownstreamHeaders(head.rawHeaders)),
      // Synchronous, before the response ends: the CLIENT span closes before the SERVER span.
      (error) => exchange.upstreamSettled(body?.errored instanceof PayloadTooLargeError ? body.errored : error),
    );
    exchange.upstreamStarted(spans, call, dispatchedAt);
  }

  /** The SERVER span's attributes: the request as received, the route, the caller's address. */
  private serverSpanAttributes(exchange: ProxyExchange, route: CompiledRoute, method: string): Attributes {
    const { request } = exchange;
    const attributes: Attributes = {
      [TAG.httpMethod]: method,
      [TAG.httpPath]: exchange.path,
      [TAG.httpRoute]: route.path,
      [TAG.requestId]: exchange.requestId,
      [ENDPOINT_ATTRIBUTE.peerAddress]: request.socket.remoteAddress,
      [ENDPOINT_ATTRIBUTE.peerPort]: request.socket.remotePort,
    };
    if (this.headerTags.length > 0) addHeaderTags(attributes, request, this.headerTags);
    return attributes;
  }
}

/** Values of request-header tags are cut here: a client controls them. */
const HEADER_TAG_MAX_CHARS = 256;

/** tracing.requestHeaderTags on the SERVER span, for the headers the request has (repeats joined). */
function addHeaderTags(attributes: Attributes, request: IncomingMessage, headerTags: ReadonlyArray<readonly [string, string]>): void {
  for (const [header, tag] of headerTags) {
    const value = request.headers[header];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    attributes[tag] = text.length > HEADER_TAG_MAX_CHARS ? text.slice(0, HEADER_TAG_MAX_CHARS) : text;
  }
}

/**
 * The CLIENT span's fixed attributes of a route: its path and the upstream as remote endpoint, named by the
 * route's `serviceName`, else the ingress gateway's name for a route on it, else the route's own host.
 */
function upstreamPeerAttributes(route: CompiledRoute, ingressServiceName: string): Attributes {
  const host = upstreamHost(route);
  const serviceName = route.serviceName ?? (route.ownUpstream ? (route.host?.replace(/:\d+$/, '') ?? host) : ingressServiceName);
  return {
    [TAG.httpRoute]: route.path,
    [ENDPOINT_ATTRIBUTE.peerService]: serviceName,
    [ENDPOINT_ATTRIBUTE.peerHost]: host,
    ...(isIP(host) !== 0 && { [ENDPOINT_ATTRIBUTE.peerAddress]: host }),
    [ENDPOINT_ATTRIBUTE.peerPort]: upstreamPort(route),
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

/** The upstream's host name or address, an IPv6 address without its URL brackets. */
function upstreamHost(route: CompiledRoute): string {
  return route.upstream.hostname.replace(/^\[|\]$/g, '');
}

function upstreamPort(route: CompiledRoute): number {
  return Number(route.upstream.port || (route.upstream.protocol === 'https:' ? 443 : 80));
}
