import type { StandInCollector } from '../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { waitForTrace } from './support/collected-spans';
import { closeStandIns, gatewayEnv, startStandIns } from './support/gateway-env';
import { runGatewayExpectingExit, startGateway, type GatewayProcess } from './support/gateway-process';
import { metricSum } from './support/eventually';
import { send } from './support/http-client';
import { writeYamlFile } from './support/routes-file';
import type { StandInUpstream } from './support/stand-in-upstream';

const SECRET_ENDPOINT_PATH = '/adapt_SECRET_TOKEN_123/api/v2/spans';

describe('operations (gateway process)', () => {
  let upstream: StandInUpstream;
  let collector: StandInCollector;

  beforeAll(async () => {
    ({ upstream, collector } = await startStandIns());
  });

  afterAll(() => closeStandIns({ upstream, collector }));

  function opsEnv(extra: Record<string, string> = {}): Record<string, string> {
    return gatewayEnv(
      {
        upstream,
        collector: collector.url(SECRET_ENDPOINT_PATH),
        routes: [{ name: 'productpage', path: '/', upstreamPath: '/productpage' }, { name: 'api', path: '/api/', prefix: true, upstreamPath: '/' }],
      },
      { OTEL_BSP_SCHEDULE_DELAY: '20', ...extra },
    );
  }

  describe('health and metrics', () => {
    let gateway: GatewayProcess;

    beforeAll(async () => {
      gateway = await startGateway(opsEnv());
    });

    afterAll(async () => {
      await gateway.stop();
    });

    it('should answer live and ready on the admin port', async () => {
      const live = await send(`${gateway.adminUrl}/health/live`);
      const ready = await send(`${gateway.adminUrl}/health/ready`);
      expect(live.status).toBe(200);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', info: { gateway: { status: 'up', listening: true, draining: false } } });
    });

    it('should expose the HTTP semconv metrics after a 200, a 404 and a 502, with process and runtime metrics and no host-wide series', async () => {
      await send(`${gateway.url}/`);
      await send(`${gateway.url}/api/status/502`);
      await send(`${gateway.url}/nope`);
      const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
      const count = (labels: Record<string, string>): number => metricSum(metrics, 'http_server_request_duration_seconds_count', labels);
      expect({
        ok: count({ http_request_method: 'GET', http_response_status_code: '200', http_route: '/' }),
        upstream502: count({ http_response_status_code: '502', http_route: '/api/', error_type: '502' }),
        notFound: count({ http_response_status_code: '404' }),
        client502: metricSum(metrics, 'http_client_request_duration_seconds_count', { http_response_status_code: '502', error_type: '502', server_address: '127.0.0.1' }),
      }).toEqual({ ok: 1, upstream502: 1, notFound: 1, client502: 1 });
      // A 404 has no route: no http_route label, no error_type (4xx is not a server error).
      expect(metrics).toMatch(/^http_server_request_duration_seconds_count\{http_request_method="GET",http_response_status_code="404",otel_scope_name="[^"]+"\} 1$/m);
      expect(metrics).toMatch(/^http_server_active_requests\{http_request_method="GET"/m);
      for (const name of ['zipkin_reporter_spans_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'gateway_build_info', 'gateway_log_lines_dropped_total']) {
        expect({ name, present: new RegExp(`^${name}[{ ]`, 'm').test(metrics) }).toEqual({ name, present: true });
      }
      expect(metrics).toMatch(/nodejs_eventloop_delay_seconds\{quantile="0.99"/);
      expect(metrics).toMatch(/^gateway_build_info\{version="0\.2\.0",node_version="v\d+\.\d+\.\d+",exporters="zipkin-v2-json"/m);
      // Counters exist from the start, at 0: an alert on an increase needs the series before the first event.
      expect(metrics).toMatch(/^gateway_connections_dropped_total\{port="admin",otel_scope_name="[^"]+"\} 0$/m);
      expect(metrics.split('\n').filter((line) => line.startsWith('system_') || line.startsWith('gateway_requests_total'))).toEqual([]);
    });

    it('should never show the collector URL token in metrics or logs', async () => {
      await send(`${gateway.url}/`);
      const metrics = (await send(`${gateway.adminUrl}/metrics`)).body;
      expect(metrics).not.toContain('SECRET_TOKEN');
      expect(gateway.output.join('\n')).not.toContain('SECRET_TOKEN');
    });

    it('should write one JSON access-log line per request in the log schema, with addresses, ids and byte counts', async () => {
      const answer = await send(`${gateway.url}/?token=abc`, { headers: { 'x-request-id': 'log-me-1' } });
      const line = await gateway.waitForLine((l) => l.includes('"requestId":"log-me-1"'));
      const entry = JSON.parse(line) as Record<string, unknown>;
      process.stdout.write(`access-log line: ${line}\n`);
      expect(entry).toEqual({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
        level: 'info',
        msg: 'request',
        requestId: 'log-me-1',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        clientAddress: '127.0.0.1',
        method: 'GET',
        path: '/',
        route: 'productpage',
        status: answer.status,
        durationMs: expect.any(Number) as number,
        bytesIn: expect.any(Number) as number,
        bytesOut: expect.any(Number) as number,
        upstreamAddress: `127.0.0.1:${upstream.port}`,
        upstreamStatus: 200,
      });
      // A GET has no body; what went out is the head and the body.
      expect([entry.bytesIn, (entry.bytesOut as number) > answer.body.length]).toEqual([0, true]);
    });

    it('should print every line of its output in the one log schema, and one listening line at start', () => {
      const lines = gateway.output.map((line) => JSON.parse(line) as Record<string, unknown>);
      process.stdout.write(`startup output: ${gateway.output.filter((line) => !line.includes('"msg":"request"') && !line.includes('"msg":"span"')).slice(0, 3).join('\n')}\n`);
      expect(lines.filter((entry) => typeof entry.time !== 'string' || !['debug', 'info', 'warn', 'error'].includes(String(entry.level)) || typeof entry.msg !== 'string')).toEqual([]);
      expect(lines.filter((entry) => entry.msg !== 'request' && entry.level === 'info').map((entry) => entry.msg)).toEqual(['listening']);
    });
  });

  describe('SIGTERM', () => {
    it('should go unready, finish the in-flight request, flush its spans, and exit 0', async () => {
      const gateway = await startGateway(opsEnv({ DRAIN_TIMEOUT_MS: '5000' }));
      const before = upstream.requests.length;
      const inFlight = send(`${gateway.url}/api/slow/600`);
      await upstream.waitForRequests(before + 1);
      const exitCode = gateway.stop('SIGTERM');
      await gateway.waitForLine((line) => line.includes('"draining"'));
      const readiness = await send(`${gateway.adminUrl}/health/ready`);
      expect(readiness.status).toBe(503);
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('slow\n');
      expect(await exitCode).toBe(0);
      const traceId = String(upstream.requests[before].headers['x-b3-traceid']);
      expect(await waitForTrace(collector, traceId, 2, 1000)).toHaveLength(2);
    });
  });

  describe('invalid configuration', () => {
    it('should exit non-zero before listening, with one message naming every bad key, secrets redacted', async () => {
      const { code, output } = await runGatewayExpectingExit({
        INGRESS_GATEWAY_URL: 'not a url',
        GATEWAY_PORT: '99999',
        ZIPKIN_API_VERSION: 'v1',
        ZIPKIN_ENCODING: 'proto3',
        OTEL_PROPAGATORS: 'b3multi,jaeger',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'ftp://collector/adapt_SECRET_TOKEN_123/api/v1/spans',
        ROUTES_FILE: writeYamlFile({ routes: [{ path: '/', bogus: true }, { path: '/', upstream: 'nope' }] }),
      });
      expect(code).toBe(1);
      expect(output).toContain('Invalid configuration');
      for (const problem of [
        'server.port (GATEWAY_PORT): must be a port number between 0 and 65535',
        'ingressGateway.url (INGRESS_GATEWAY_URL): must be an http(s) URL',
        'routes[0].bogus: is not a known key',
        'routes[1].upstream: must be an http(s) URL',
        'tracing.propagators (OTEL_PROPAGATORS): each value must be one of b3multi, b3, tracecontext',
        'zipkin.endpoint (OTEL_EXPORTER_ZIPKIN_ENDPOINT): must be an http(s) URL',
        'zipkin.encoding (ZIPKIN_ENCODING): proto3 exists only for Zipkin v2',
        'routes[1].path: duplicates routes[0]',
      ]) {
        expect(output).toContain(problem);
      }
      expect(output).not.toContain('SECRET_TOKEN');
      expect(output).not.toContain('listening');
    });

    it('should exit non-zero when the routes file is missing', async () => {
      const { code, output } = await runGatewayExpectingExit({ INGRESS_GATEWAY_URL: upstream.url, ROUTES_FILE: '/nonexistent/routes.yaml' });
      expect(code).toBe(1);
      expect(output).toContain('ROUTES_FILE (/nonexistent/routes.yaml): cannot be read (ENOENT)');
    });
  });
});
