import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { OtlpProtocol } from '@app/config';
import type { SendResult } from '../zipkin/reporter/send-result';
import { createOtlpSender } from './otlp-sender';

const TLS_DIR = join(__dirname, '../../../../apps/gateway/test/fixtures/tls');
const never = new AbortController().signal;
/** ExportTraceServiceResponse { partial_success { rejected_spans: 2 } } as protobuf. */
const PARTIAL_PROTOBUF = Buffer.from([0x0a, 0x02, 0x08, 0x02]);

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A loopback OTLP endpoint answering every request with `answer`, recording what it received. */
async function listen(answer: () => Answer, tls = false): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      answer()(req, res);
    });
  };
  const server: Server = tls ? createTlsServer({ cert: readFileSync(join(TLS_DIR, 'server.pem')), key: readFileSync(join(TLS_DIR, 'server.key')) }, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://${tls ? 'localhost' : '127.0.0.1'}:${port}/v1/traces`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const status = (code: number, body = '', headers: Record<string, string> = {}): Answer => (_req, res) => res.writeHead(code, headers).end(body);

describe(createOtlpSender.name, () => {
  describe('send', () => {
    it.each<[string, Answer, OtlpProtocol, SendResult]>([
      ['a 200 with an empty body as delivered', status(200), 'http/protobuf', { kind: 'ok' }],
      ['a protobuf partial success as rejected spans', (_req, res) => res.writeHead(200).end(PARTIAL_PROTOBUF), 'http/protobuf', { kind: 'ok', rejectedSpans: 2 }],
      ['a JSON partial success with its message', status(200, '{"partialSuccess":{"rejectedSpans":1,"errorMessage":"old"}}'), 'http/json', { kind: 'ok', rejectedSpans: 1, reason: 'old' }],
      ['a 429 with Retry-After', status(429, '', { 'Retry-After': '2' }), 'http/protobuf', { kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 2000 }],
      ['a 503', status(503, 'overloaded'), 'http/json', { kind: 'retryable', reason: 'HTTP 503: overloaded' }],
      ['a 400, not retried', status(400, 'bad'), 'http/json', { kind: 'permanent', status: 400, reason: 'HTTP 400: bad' }],
      ['a 500, not retried (OTLP retries 502, 503, 504 only)', status(500), 'http/protobuf', { kind: 'permanent', status: 500, reason: 'HTTP 500' }],
      ['a 200 whose body stalls as delivered (never resent)', (_req, res) => res.writeHead(200, { 'Content-Length': '10' }).write('x'), 'http/json', { kind: 'ok' }],
      ['a reset connection as retryable', (req) => req.socket.destroy(), 'http/protobuf', { kind: 'retryable', reason: 'ECONNRESET' }],
    ])('should classify %s', async (_case, answer, protocol, expected) => {
      const endpoint = await listen(() => answer);
      const sut = createOtlpSender({ endpointUrl: endpoint.url, protocol, contentType: 'application/x-protobuf', headers: {}, gzip: false, requestTimeoutMs: 300, maxInFlight: 1 });
      try {
        expect(await sut.send(Buffer.from('body'), never)).toEqual(expected);
      } finally {
        sut.close();
        await endpoint.close();
      }
    });

    it('should POST the prepared payload gzipped with its content type and the configured headers', async () => {
      const endpoint = await listen(() => status(200));
      const sut = createOtlpSender({ endpointUrl: endpoint.url, protocol: 'http/json', contentType: 'application/json', headers: { 'api-key': 'k1' }, gzip: true, requestTimeoutMs: 1000, maxInFlight: 1 });
      try {
        const prepared = await sut.prepare(Buffer.from('{"resourceSpans":[]}'));
        if (prepared.kind !== 'ready') throw new Error('not prepared');
        await sut.send(prepared.payload, never);
        const [request] = endpoint.received;
        expect({
          contentType: request.headers['content-type'],
          encoding: request.headers['content-encoding'],
          apiKey: request.headers['api-key'],
          body: gunzipSync(request.body).toString(),
        }).toEqual({ contentType: 'application/json', encoding: 'gzip', apiKey: 'k1', body: '{"resourceSpans":[]}' });
      } finally {
        sut.close();
        await endpoint.close();
      }
    });

    it.each<[string, boolean, SendResult['kind']]>([
      ['with the configured CA', true, 'ok'],
      ['without it (untrusted certificate)', false, 'retryable'],
    ])('should reach an https endpoint %s', async (_case, withCa, expected) => {
      const endpoint = await listen(() => status(200), true);
      const ca = withCa ? readFileSync(join(TLS_DIR, 'ca.pem')) : undefined;
      const sut = createOtlpSender({ endpointUrl: endpoint.url, protocol: 'http/protobuf', contentType: 'application/x-protobuf', headers: {}, gzip: false, requestTimeoutMs: 2000, maxInFlight: 1, ca });
      try {
        expect((await sut.send(Buffer.from('body'), never)).kind).toBe(expected);
      } finally {
        sut.close();
        await endpoint.close();
      }
    });
  });
});
