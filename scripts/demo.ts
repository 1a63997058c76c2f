import { randomBytes } from 'node:crypto';
import { decodeOtlpProtobuf, type DecodedOtlpSpan } from '../libs/tracing/src/otlp/testing/otlp-decoders';
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
 * collector, and each resulting trace is printed as a tree. With `--otlp` (or DEMO_OTLP=1) the gateway exports
 * to a stand-in OTLP collector too (dual export, http/protobuf), and what it received is printed beside the tree.
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

/** `npm run demo -- --otlp` or `DEMO_OTLP=1 npm run demo`: dual export, Zipkin and OTLP. */
const DUAL_EXPORT = process.argv.includes('--otlp') || process.env.DEMO_OTLP === '1';
const SPAN_KINDS: Readonly<Record<number, string>> = { 2: 'SERVER', 3: 'CLIENT' };

async function main(): Promise<void> {
  // Every process of the demo (gateway, stand-ins, caller) runs on this Node.js: the project's own.
  console.log(`external-proxy demo on Node.js ${process.version}${DUAL_EXPORT ? ', dual export (Zipkin + OTLP)' : ''}`);
  const collector = await StandInCollector.start();
  const otlp = DUAL_EXPORT ? await StandInCollector.start() : undefined;
  otlp?.setMode({ kind: 'answer', status: 200 });
  const spansUrl = collector.url('/api/v2/spans');
  const ingress = await new MeshIngress(spansUrl).start();
  const gateway = await startGateway({
    INGRESS_GATEWAY_URL: ingress.url,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: collector.baseUrl,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ACCESS_LOG: 'false',
    ...(otlp && { OTEL_TRACES_EXPORTER: 'zipkin,otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.baseUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }),
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
  console.log(`  Zipkin collector ${spansUrl}${otlp ? '' : '\n'}`);
  if (otlp) console.log(`  OTLP collector   ${otlp.url('/v1/traces')} (http/protobuf)\n`);

  try {
    for (const [index, call] of CALLS.entries()) await runCall(index + 1, call, gateway.url, ingress, collector, spansUrl, otlp);
  } finally {
    const exitCode = await gateway.stop('SIGTERM');
    console.log(`gateway stopped on SIGTERM with exit code ${exitCode}`);
    ingress.close();
    await collector.close();
    await otlp?.close();
  }
}

async function runCall(number: number, call: DemoCall, gatewayUrl: string, ingress: MeshIngress, collector: StandInCollector, spansUrl: string, otlp?: StandInCollector): Promise<void> {
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
  if (otlp) {
    // OTLP holds the trace id as 16 bytes: a 64-bit one left-padded with zeros.
    const otlpSpansOf = (): DecodedOtlpSpan[] => otlp.requests.flatMap((r) => decodeOtlpProtobuf(r.body)).filter((s) => s.traceId === traceId.padStart(32, '0'));
    await otlp.waitFor(() => otlpSpansOf().length >= 2, 5000);
    console.log(`   OTLP collector received the gateway's ${otlpSpansOf().length} spans (decoded with the published protos):`);
    for (const span of otlpSpansOf()) {
      const attributes = ['http.request.method', 'url.path', 'http.response.status_code', 'server.address', 'client.address'].filter((k) => span.attributes[k] !== undefined);
      console.log(`     ${SPAN_KINDS[span.kind] ?? span.kind} ${span.name} span ${span.spanId} parent ${span.parentSpanId ?? '-'} status ${span.status.code} ${attributes.map((k) => `${k}=${String(span.attributes[k])}`).join(' ')}`);
    }
  }
  console.log('');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
