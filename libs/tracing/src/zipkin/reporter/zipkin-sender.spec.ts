import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { deliverMessage } from './message-delivery';
import { RateLimitedLog } from './rate-limited-log';
import { ReporterMetrics } from './reporter-metrics';
import { CapturingLogger } from './testing/capturing-logger';
import { MetricProbe } from './testing/metric-probe';
import { COLLECTOR_BEHAVIOURS, StandInCollector, type CollectorBehaviour } from './testing/stand-in-collector';
import { createZipkinSender, InvalidCollectorOptionsError, type ZipkinSender, type ZipkinSenderOptions } from './zipkin-sender';
import type { PrepareResult, SendResult } from './send-result';

const SECRET_PATH = '/adapt_SECRET123/api/v2/spans';
const BODY = Buffer.from('[{"traceId":"463ac35c9f6413ad","id":"0000000000000001"}]');
const WAIT_MS = 2000;

/** Polls `probe` every 10 ms for up to WAIT_MS; resolves with its last answer. */
async function eventuallyTrue(probe: () => boolean): Promise<boolean> {
  for (let waited = 0; !probe() && waited < WAIT_MS; waited += 10) await delay(10);
  return probe();
}

describe('ZipkinSender', () => {
  let collector: StandInCollector;
  let sut: ZipkinSender;
  const never = new AbortController().signal;

  const create = (overrides: Partial<ZipkinSenderOptions> = {}): ZipkinSender =>
    createZipkinSender({
      endpointUrl: collector.url(SECRET_PATH),
      contentType: 'application/json',
      headers: {},
      gzip: false,
      requestTimeoutMs: 2000,
      maxInFlight: 2,
      ...overrides,
    });

  beforeEach(async () => {
    collector = await StandInCollector.start();
    sut = create();
  });

  afterEach(async () => {
    sut.close();
    await collector.close();
  });

  /** The payload of a prepare that succeeded (every body here prepares). */
  const prepared = async (body: Buffer): Promise<Buffer> => {
    const result = await sut.prepare(body);
    if (result.kind !== 'ready') throw new Error(`prepare failed: ${result.reason}`);
    return result.payload;
  };

  describe('prepare', () => {
    it('should pass the body through as it is when gzip is off', async () => {
      await expect(sut.prepare(BODY)).resolves.toEqual<PrepareResult>({ kind: 'ready', payload: BODY });
    });

    it('should gzip the body when gzip is on', async () => {
      sut.close();
      sut = create({ gzip: true });
      const payload = await prepared(BODY);
      expect({ magic: payload.subarray(0, 2), body: gunzipSync(payload) }).toEqual({ magic: Buffer.from([0x1f, 0x8b]), body: BODY });
    });
  });

  describe('send', () => {
    it('should POST the body with the exact Content-Type and Content-Length and resolve ok on 202', async () => {
      await expect(sut.send(BODY, never)).resolves.toEqual({ kind: 'ok' });
      const [request] = collector.requests;
      expect({ method: request.method, path: request.path, body: request.body.toString() }).toEqual({
        method: 'POST',
        path: SECRET_PATH,
        body: BODY.toString(),
      });
      expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(BODY.length) });
      expect(request.headers['content-encoding']).toBeUndefined();
    });

    it('should send the prepared payload as it is and declare gzip when gzip is on', async () => {
      sut.close();
      sut = create({ gzip: true });
      const payload = await prepared(BODY);
      await expect(sut.send(payload, never)).resolves.toEqual({ kind: 'ok' });
      const [request] = collector.requests;
      expect(request.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-length': String(payload.length) });
      expect({ rawBody: request.rawBody, body: request.body }).toEqual({ rawBody: payload, body: BODY });
    });

    it('should send custom headers without letting them replace Content-Type', async () => {
      sut.close();
      sut = create({ headers: { Authorization: 'Bearer t0k', 'x-tenant': 'blue', 'content-type': 'text/plain' }, contentType: 'application/x-thrift' });
      await sut.send(BODY, never);
      expect(collector.requests[0].headers).toMatchObject({ authorization: 'Bearer t0k', 'x-tenant': 'blue', 'content-type': 'application/x-thrift' });
    });

    it.each<[string, CollectorBehaviour, SendResult]>([
      ['400', COLLECTOR_BEHAVIOURS.reject, { kind: 'permanent', status: 400, reason: 'HTTP 400: Expected a JSON_V1 encoded list, but received: JSON_V2' }],
      ['429', COLLECTOR_BEHAVIOURS.throttle, { kind: 'retryable', reason: 'HTTP 429: Too Many Requests' }],
      ['500', COLLECTOR_BEHAVIOURS.fail, { kind: 'retryable', reason: 'HTTP 500: Internal Server Error' }],
      ['a reset connection', COLLECTOR_BEHAVIOURS.reset, { kind: 'retryable', reason: 'ECONNRESET' }],
    ])('should resolve, not reject, on %s', async (_case, behaviour, expected) => {
      collector.setMode(behaviour);
      await expect(sut.send(BODY, never)).resolves.toEqual(expected);
    });

    it('should time out the whole request when the collector never answers', async () => {
      sut.close();
      sut = create({ requestTimeoutMs: 150 });
      collector.setMode(COLLECTOR_BEHAVIOURS.hang);
      await expect(sut.send(BODY, never)).resolves.toEqual({ kind: 'retryable', reason: 'timed out after 150 ms' });
    });

    it('should resolve retryable when the collector is down', async () => {
      await collector.down();
      await expect(sut.send(BODY, never)).resolves.toEqual({ kind: 'retryable', reason: 'ECONNREFUSED' });
    });

    it('should reuse the keep-alive socket once the answer is consumed', async () => {
      collector.setMode(COLLECTOR_BEHAVIOURS.reject);
      await sut.send(BODY, never);
      await sut.send(BODY, never);
      expect(collector.requests.map((r) => r.remotePort)).toEqual([collector.requests[0].remotePort, collector.requests[0].remotePort]);
    });

    it('should tear the request down when the signal aborts', async () => {
      collector.setMode(COLLECTOR_BEHAVIOURS.hang);
      const abort = new AbortController();
      const sending = sut.send(BODY, abort.signal);
      await collector.waitFor((requests) => requests.length === 1, WAIT_MS);
      abort.abort();
      await expect(sending).resolves.toEqual({ kind: 'retryable', reason: 'aborted' });
    });
  });

  describe('answers that misbehave (a raw collector)', () => {
    let raw: Server;
    let rawUrl: string;
    const rawRequests: { bytesWritten: number; closed: boolean }[] = [];

    /** Answers every POST with `status` and then `body(response)` decides what follows the head. */
    const startRaw = async (status: number, body: (response: ServerResponse, record: { bytesWritten: number; closed: boolean }) => void): Promise<void> => {
      raw = createServer((request, response) => {
        const record = { bytesWritten: 0, closed: false };
        rawRequests.push(record);
        response.once('close', () => (record.closed = true));
        request.resume();
        request.once('end', () => body(response.writeHead(status, { 'content-type': 'application/json' }), record));
      });
      await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
      rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/api/v2/spans`;
    };

    afterEach(async () => {
      rawRequests.length = 0;
      raw.closeAllConnections();
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    });

    it('should read at most the first KiB of a huge error answer, then drop the connection', async () => {
      const total = 200 * 1024 * 1024;
      await startRaw(500, (response, record) => {
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = (): void => {
          while (!response.destroyed && record.bytesWritten < total) {
            record.bytesWritten += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
        };
        pump();
      });
      sut.close();
      sut = createZipkinSender({ endpointUrl: rawUrl, contentType: 'application/json', headers: {}, gzip: false, requestTimeoutMs: 10_000, maxInFlight: 1 });
      const result = await sut.send(BODY, never);
      const closed = await eventuallyTrue(() => rawRequests[0]?.closed === true);
      expect({ kind: result.kind, reason: result.kind === 'retryable' ? result.reason : '', closed }).toEqual({ kind: 'retryable', reason: `HTTP 500: ${'a'.repeat(200)}…`, closed: true });
      // What the socket buffers took before the gateway cut it: megabytes at most, never the 200 MiB.
      expect(rawRequests[0].bytesWritten).toBeLessThan(32 * 1024 * 1024);
    });

    it('should count a 2xx status line as delivered although the body then stalls, and drop that socket after the request timeout', async () => {
      await startRaw(202, (response) => response.write('{"accepted":'));
      sut.close();
      sut = createZipkinSender({ endpointUrl: rawUrl, contentType: 'application/json', headers: {}, gzip: false, requestTimeoutMs: 300, maxInFlight: 1 });
      const result = await sut.send(BODY, never);
      const closed = await eventuallyTrue(() => rawRequests[0]?.closed === true);
      expect({ result, closed, requests: rawRequests.length }).toEqual({ result: { kind: 'ok' }, closed: true, requests: 1 });
    });
  });

  describe('with deliverMessage', () => {
    let probe: MetricProbe;

    beforeEach(() => {
      probe = new MetricProbe();
    });

    afterEach(async () => {
      await probe.shutdown();
    });

    it('should gzip a message once and send the same bytes on every retry', async () => {
      sut.close();
      sut = create({ gzip: true });
      const prepares: Buffer[] = [];
      collector.answerNext(COLLECTOR_BEHAVIOURS.fail, COLLECTOR_BEHAVIOURS.throttle);
      await deliverMessage(
        {
          label: 'Zipkin',
          prepare: (body) => {
            prepares.push(body);
            return sut.prepare(body);
          },
          send: sut.send,
          signal: never,
          metrics: new ReporterMetrics(probe.meter, 'zipkin', () => ({ spans: 0, bytes: 0 })),
          log: new RateLimitedLog(new CapturingLogger()),
          collector: 'http://collector/<redacted>',
          maxAttempts: 3,
          initialBackoffMs: 1,
          maxBackoffMs: 1,
          random: () => 0,
        },
        BODY,
        1,
      );
      const [first, ...retries] = collector.requests;
      expect({
        prepares,
        statuses: collector.requests.map((r) => (r.behaviour.kind === 'answer' ? r.behaviour.status : r.behaviour.kind)),
        retriesResendFirstBytes: retries.map((r) => r.rawBody.equals(first.rawBody)),
        body: first.body,
      }).toEqual({ prepares: [BODY], statuses: [500, 429, 202], retriesResendFirstBytes: [true, true], body: BODY });
    });
  });

  describe('createZipkinSender', () => {
    it.each([
      ['not a URL', 'adapt_SECRET123/api/v2/spans'],
      ['not http(s)', 'ftp://collector/adapt_SECRET123/api/v2/spans'],
    ])('should refuse a URL that is %s without repeating it', (_case, endpointUrl) => {
      const creating = (): ZipkinSender => create({ endpointUrl });
      expect(creating).toThrow(InvalidCollectorOptionsError);
      expect(creating).not.toThrow(/SECRET123/);
    });

    it('should refuse a header value Node cannot send, without repeating the value', () => {
      const creating = (): ZipkinSender => create({ headers: { authorization: 'Bearer SECRET123\n' } });
      expect(creating).toThrow(InvalidCollectorOptionsError);
      expect(creating).not.toThrow(/SECRET123/);
    });
  });
});
