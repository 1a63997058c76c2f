/**
 * `npm run bench:client`: CPU per request of the two HTTP clients in the tree, against a loopback server
 * answering 1 KiB: undici (the request path's client) and axios through @nestjs/axios's HttpService (the
 * collector sender's). The reason the request path stays on undici (README, design card).
 */
import { createServer, Agent as HttpAgent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';
import { Agent, request } from 'undici';

const BODY = Buffer.alloc(1024, 0x61);
const WARM_UP = 1000;
const REQUESTS = 5000;

async function cpuMicrosPerRequest(call: () => Promise<void>): Promise<number> {
  for (let i = 0; i < WARM_UP; i += 1) await call();
  const started = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i += 1) await call();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / REQUESTS;
}

async function main(): Promise<void> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-length': BODY.length }).end(BODY));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const dispatcher = new Agent({ connections: 1 });
  const viaUndici = await cpuMicrosPerRequest(async () => {
    const answer = await request(url, { dispatcher });
    await answer.body.arrayBuffer();
  });
  const http = new HttpService(axios.create({ httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 1 }) }) as unknown as HttpService['axiosRef']);
  const viaAxios = await cpuMicrosPerRequest(async () => void (await firstValueFrom(http.get<ArrayBuffer>(url, { responseType: 'arraybuffer' }))));
  console.log(`Node ${process.version}, client and server in one process, ${REQUESTS} sequential requests: undici ${viaUndici.toFixed(1)} µs CPU per request, axios via HttpService ${viaAxios.toFixed(1)} µs (${(viaAxios / viaUndici).toFixed(1)}x, the server's share included in both)`);
  await dispatcher.close();
  server.close();
}

void main();
