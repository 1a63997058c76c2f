import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { gatewayEnv } from './support/gateway-env';
import { startGateway } from './support/gateway-process';
import { send } from './support/http-client';
import { listenOnLoopback } from './support/loopback-server';
import { StandInUpstream } from './support/stand-in-upstream';

const TLS_DIR = join(__dirname, 'fixtures', 'tls');

/** A forward proxy as a company egress has one: CONNECT tunnels (recorded), and any plain request recorded and refused. */
function standInEgressProxy(): { server: HttpServer; connects: string[]; plainRequests: string[] } {
  const connects: string[] = [];
  const plainRequests: string[] = [];
  const server = createHttpServer((request, response) => {
    plainRequests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    response.writeHead(403).end();
  });
  const tunnels = new Set<Socket>();
  server.on('connect', (request, client: Socket, head: Buffer) => {
    connects.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const target = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    for (const socket of [client, target]) {
      tunnels.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => tunnels.delete(socket));
    }
    server.once('close', () => tunnels.forEach((socket) => socket.destroy()));
  });
  return { server, connects, plainRequests };
}

/** A Zipkin collector on https (the fixture certificate, for `localhost`), counting the messages it accepts. */
function standInHttpsCollector(): { server: HttpsServer; messages: () => number } {
  let messages = 0;
  const server = createHttpsServer({ cert: readFileSync(join(TLS_DIR, 'server.pem')), key: readFileSync(join(TLS_DIR, 'server.key')) }, (request, response) => {
    request.resume();
    request.once('end', () => {
      messages += 1;
      response.writeHead(202).end();
    });
  });
  return { server, messages: () => messages };
}

describe('egress proxy for the collector (gateway process)', () => {
  let upstream: StandInUpstream;
  let proxy: ReturnType<typeof standInEgressProxy>;
  let collector: ReturnType<typeof standInHttpsCollector>;
  let proxyUrl: string;
  let collectorUrl: string;

  beforeAll(async () => {
    upstream = await new StandInUpstream().start();
    proxy = standInEgressProxy();
    collector = standInHttpsCollector();
    proxyUrl = `http://127.0.0.1:${await listenOnLoopback(proxy.server)}`;
    collectorUrl = `https://localhost:${await listenOnLoopback(collector.server)}/api/v2/spans`;
  });

  afterAll(async () => {
    proxy.server.closeAllConnections();
    collector.server.closeAllConnections();
    proxy.server.close();
    collector.server.close();
    await upstream.close();
  });

  const run = async (extra: Record<string, string>): Promise<{ messagesBefore: number; messagesAfter: number }> => {
    const gateway = await startGateway(gatewayEnv(
      { upstream, collector: collectorUrl, routes: [{ name: 'api', path: '/api/', prefix: true, upstreamPath: '/' }] },
      { OTEL_BSP_SCHEDULE_DELAY: '50', NODE_EXTRA_CA_CERTS: join(TLS_DIR, 'ca.pem'), ...extra },
    ));
    const messagesBefore = collector.messages();
    const answer = await send(`${gateway.url}/api/x`);
    expect(answer.status).toBe(200);
    const messagesAfter = await eventually(() => collector.messages(), (count) => count > messagesBefore, 10_000);
    await gateway.stop();
    return { messagesBefore, messagesAfter };
  };

  it('should reach an https collector through HTTPS_PROXY with a CONNECT tunnel, and never send mesh traffic to the proxy', async () => {
    const connectsBefore = proxy.connects.length;
    const { messagesBefore, messagesAfter } = await run({ HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl });
    expect({ delivered: messagesAfter > messagesBefore, tunnels: proxy.connects.slice(connectsBefore).every((target) => target === new URL(collectorUrl).host), tunnelled: proxy.connects.length > connectsBefore })
      .toEqual({ delivered: true, tunnels: true, tunnelled: true });
    // The upstream (the mesh's ingress gateway) is called directly: undici's agent takes no proxy from the environment.
    expect(proxy.plainRequests).toEqual([]);
  });

  it('should go direct to a collector NO_PROXY names', async () => {
    const connectsBefore = proxy.connects.length;
    const { messagesBefore, messagesAfter } = await run({ HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost' });
    expect({ delivered: messagesAfter > messagesBefore, tunnels: proxy.connects.length - connectsBefore }).toEqual({ delivered: true, tunnels: 0 });
  });
});
