import { gzipSync } from 'node:zlib';
import { COLLECTOR_BEHAVIOURS, StandInCollector } from './stand-in-collector';

const post = (url: string, body: Buffer, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe(StandInCollector.name, () => {
  let sut: StandInCollector;

  beforeEach(async () => {
    sut = await StandInCollector.start();
  });

  afterEach(async () => {
    await sut.close();
  });

  describe('requests', () => {
    it('should record method, path, headers and the gunzipped body', async () => {
      const response = await post(sut.url('/api/v2/spans'), gzipSync(Buffer.from('[]')), { 'content-encoding': 'gzip' });
      expect(response.status).toBe(202);
      const [request] = sut.requests;
      expect({ method: request.method, path: request.path, body: request.body.toString() }).toEqual({ method: 'POST', path: '/api/v2/spans', body: '[]' });
      expect(request.headers['content-encoding']).toBe('gzip');
    });
  });

  describe('answerNext', () => {
    it('should answer queued behaviours first, then the mode', async () => {
      sut.setMode(COLLECTOR_BEHAVIOURS.throttle);
      sut.answerNext(COLLECTOR_BEHAVIOURS.reject);
      const first = await post(sut.url('/api/v1/spans'), Buffer.from('[]'));
      const second = await post(sut.url('/api/v1/spans'), Buffer.from('[]'));
      expect([first.status, await first.text(), second.status]).toEqual([400, 'Expected a JSON_V1 encoded list, but received: JSON_V2\n', 429]);
    });
  });

  describe('waitFor', () => {
    it('should reject once its deadline passes', async () => {
      await expect(sut.waitFor((requests) => requests.length > 0, 20)).rejects.toThrow('not satisfied within 20 ms (0 requests received)');
    });
  });

  describe('down', () => {
    it('should refuse connections until up() is called', async () => {
      await sut.down();
      await expect(post(sut.url('/api/v2/spans'), Buffer.from('[]'))).rejects.toThrow();
      await sut.up();
      expect((await post(sut.url('/api/v2/spans'), Buffer.from('[]'))).status).toBe(202);
    });
  });
});
