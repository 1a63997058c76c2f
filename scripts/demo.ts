import { randomBytes } from 'node:crypto';
import { StandInCollector } from '../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import type { ZipkinSpan } from '../libs/tracing/src/zipkin/zipkin-span';
import { startGateway } from '../apps/gateway/test/support/gateway-process';
import { send } from '../apps/gateway/test/support/http-client';
import { writeYamlFile } from '../apps/gateway/test/support/routes-file';
import { MeshIngress, postSpans } from './demo/mesh-ingress';
import { formatTraceTree } from './demo/trace-tree';

/**
 * `npm run demo`: the whole job on loopback. A caller sends REST calls to external-proxy, which proxies
 * them into a stand-in ingress gateway with B3 headers; every party reports spans to a stand-in Zipkin
 * collector, and each resulting trace is printed as a tree.
 */
interface DemoCall {
  readonly title: string;
  readonly path: string;
  /** The caller already has a trace and reports its own CLIENT span. */
  readonly callerTraced: boolean;
  readonly headers?: Record<string, string>;
}

const CALLS: readonly DemoCall[] = [
  { title: 'a caller that already has a trace (B3 headers in, its span reported too)', path: '/', callerTraced: true },
  { title: 'a caller without tracing: the gateway starts the trace', path: '/', callerTraced: false },
  { title: 'a prefix route, debug flag from the caller (X-B3-Flags: 1)', path: '/api/v1/products/1/reviews', callerTraced: false, headers: { 'x-b3-flags': '1' } },
];

async function main(): Promise<void> {
  // Every process of the demo (gateway, stand-ins, caller) runs on this Node.js: the project's own.
  console.log(`external-proxy demo on Node.js ${process.version}`);
  const collector = await StandInCollector.start();
  const spansUrl = collector.url('/api/v2/spans');
  const ingress = await new MeshIngress(spansUrl).start();
  const gateway = await startGateway({
    INGRESS_GATEWAY_URL: ingress.url,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: collector.baseUrl,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ACCESS_LOG: 'false',
    ROUTES_FILE: writeYamlFile({
      routes: [
        { name: 'productpage', path: '/', upstreamPath: '/productpage', methods: ['GET'] },
        { name: 'api', path: '/api/', prefix: true, upstreamPath: '/api/', host: 'bookinfo.example.com' },
      ],
    }),
  });
  console.log('caller → external-proxy → (stand-in) mesh ingress gateway, spans to a (stand-in) Zipkin collector');
  console.log(`  gateway          ${gateway.url}   (admin ${gateway.adminUrl})`);
  console.log(`  ingress gateway  ${ingress.url}`);
  console.log(`  Zipkin collector ${spansUrl}\n`);

  try {
    for (const [index, call] of CALLS.entries()) await runCall(index + 1, call, gateway.url, ingress, collector, spansUrl);
  } finally {
    const exitCode = await gateway.stop('SIGTERM');
    console.log(`gateway stopped on SIGTERM with exit code ${exitCode}`);
    ingress.close();
    await collector.close();
  }
}

async function runCall(number: number, call: DemoCall, gatewayUrl: string, ingress: MeshIngress, collector: StandInCollector, spansUrl: string): Promise<void> {
  const callerTraceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const traceHeaders = call.callerTraced ? { 'x-b3-traceid': callerTraceId, 'x-b3-spanid': callerSpanId, 'x-b3-sampled': '1' } : {};
  const started = Date.now() * 1000;
  const seenBefore = ingress.received.length;
  const answer = await send(`${gatewayUrl}${call.path}`, { headers: { ...traceHeaders, ...call.headers } });
  const upstream = ingress.received[seenBefore];
  const traceId = String(upstream['x-b3-traceid']);
  if (call.callerTraced) {
    postSpans(spansUrl, [{ traceId: callerTraceId, id: callerSpanId, name: `get ${call.path}`, kind: 'CLIENT', timestamp: started, duration: Math.max(1, Date.now() * 1000 - started), localEndpoint: { serviceName: 'demo-caller' } }]);
  }
  const expected = call.callerTraced ? 4 : 3;
  const spansOf = (): ZipkinSpan[] => collector.requests.flatMap((r) => JSON.parse(r.body.toString()) as ZipkinSpan[]).filter((s) => s.traceId === traceId);
  await collector.waitFor(() => spansOf().length >= expected, 5000);

  console.log(`${number}. GET ${call.path}: ${call.title}`);
  console.log(`   answer ${answer.status}, x-request-id ${String(answer.headers['x-request-id'])}`);
  const b3 = ['x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags'].filter((h) => upstream[h] !== undefined).map((h) => `${h}=${String(upstream[h])}`);
  console.log(`   ingress gateway received: ${b3.join(' ')}`);
  console.log(`   trace ${traceId} (${spansOf().length} spans):`);
  for (const line of formatTraceTree(spansOf())) console.log(`     ${line}`);
  console.log('');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
