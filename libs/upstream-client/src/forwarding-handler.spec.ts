import { PassThrough, Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ForwardingHandler, type UpstreamResponseHead } from './forwarding-handler';
import { ClientStalledError } from './upstream.errors';

/** What undici's controller is told by the handler. */
class RecordingController implements Dispatcher.DispatchController {
  readonly calls: string[] = [];
  abortedWith: Error | null = null;
  rawHeaders: Buffer[] | null = [Buffer.from('Content-Type'), Buffer.from('text/plain'), Buffer.from('Set-Cookie'), Buffer.from('a=1'), Buffer.from('Set-Cookie'), Buffer.from('b=\xe9', 'latin1')];
  get aborted(): boolean {
    return this.abortedWith !== null;
  }
  get paused(): boolean {
    return false;
  }
  get reason(): Error | null {
    return this.abortedWith;
  }
  abort(reason: Error): void {
    this.calls.push(`abort:${reason.message}`);
    this.abortedWith = reason;
  }
  pause(): void {
    this.calls.push('pause');
  }
  resume(): void {
    this.calls.push('resume');
  }
}

const STALL_TIMEOUT_MS = 50;

function makeHandler(target: (head: UpstreamResponseHead) => Writable = () => new PassThrough()) {
  const settled: { error: Error | undefined; headersReceived: boolean }[] = [];
  const heads: UpstreamResponseHead[] = [];
  const signals: string[] = [];
  const sut = new ForwardingHandler(
    (head) => {
      heads.push(head);
      return target(head);
    },
    (error, headersReceived) => settled.push({ error, headersReceived }),
    { stallTimeoutMs: STALL_TIMEOUT_MS, onConnection: () => signals.push('connection'), onHeaders: () => signals.push('headers') },
  );
  return { sut, settled, heads, signals, controller: new RecordingController() };
}

describe(ForwardingHandler.name, () => {
  describe('onResponseStart', () => {
    it('should hand status and raw headers to the target byte for byte, repeats kept', () => {
      const { sut, heads, controller } = makeHandler();
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      expect(heads).toEqual([{ status: 200, rawHeaders: ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=\xe9'] }]);
    });

    it.each([100, 103])('should skip an informational %i answer and wait for the final one', (status) => {
      const { sut, heads, controller } = makeHandler();
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, status);
      sut.onResponseStart(controller, 204);
      expect(heads.map((head) => head.status)).toEqual([204]);
    });

    it('should abort the upstream request when the target refuses the headers, with nothing received', () => {
      const { sut, settled, controller } = makeHandler(() => {
        throw new TypeError('Invalid character in header content');
      });
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      sut.onResponseError(controller, controller.abortedWith ?? new Error('not aborted'));
      expect(controller.calls).toEqual(['abort:Invalid character in header content']);
      expect(settled).toEqual([{ error: new TypeError('Invalid character in header content'), headersReceived: false }]);
    });
  });

  describe('onResponseData', () => {
    it('should pause the upstream while the target is full and resume it on drain', () => {
      const target = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, callback) => setImmediate(callback) });
      const { sut, controller } = makeHandler(() => target);
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      sut.onResponseData(controller, Buffer.from('123456'));
      expect(controller.calls).toEqual(['pause']);
      return new Promise<void>((resolve) => target.once('drain', () => setImmediate(() => resolve()))).then(() => {
        expect(controller.calls).toEqual(['pause', 'resume']);
      });
    });

    it('should abort with ClientStalledError when the target takes nothing for the stall timeout while paused', async () => {
      // A client that never reads: writes never complete, no drain ever comes.
      const target = new Writable({ highWaterMark: 4, write: () => undefined });
      const { sut, settled, controller } = makeHandler(() => target);
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      sut.onResponseData(controller, Buffer.from('123456'));
      while (settled.length === 0) await new Promise((resolve) => setTimeout(resolve, STALL_TIMEOUT_MS));
      expect({ calls: controller.calls, settled: settled.map((s) => ({ error: s.error, headersReceived: s.headersReceived })) }).toEqual({
        calls: ['pause', `abort:the client read nothing of the response for ${STALL_TIMEOUT_MS} ms`],
        settled: [{ error: new ClientStalledError(STALL_TIMEOUT_MS), headersReceived: true }],
      });
      expect(settled[0].error).toBeInstanceOf(ClientStalledError);
    });

    it('should not abort a target that drains within the stall timeout, however long the body', async () => {
      const target = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, callback) => setTimeout(callback, 5) });
      const settled: (Error | undefined)[] = [];
      // Each drain comes after ~5 ms; the stall timeout is 200 times that, for a loaded machine.
      const sut = new ForwardingHandler(() => target, (error) => settled.push(error), { stallTimeoutMs: 1000 });
      const controller = new RecordingController();
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      for (let i = 0; i < 8; i += 1) {
        sut.onResponseData(controller, Buffer.from('123456'));
        await new Promise<void>((resolve) => target.once('drain', () => resolve()));
      }
      sut.onResponseEnd();
      expect({ settled, calls: controller.calls.filter((call) => call.startsWith('abort')) }).toEqual({ settled: [undefined], calls: [] });
    });
  });

  describe('settling', () => {
    it('should end the target and settle without error when the body is complete', async () => {
      const target = new PassThrough();
      const { sut, settled, controller } = makeHandler(() => target);
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      sut.onResponseData(controller, Buffer.from('body'));
      sut.onResponseEnd();
      expect(settled).toEqual([{ error: undefined, headersReceived: true }]);
      expect(String(await target.toArray().then((chunks: Buffer[]) => Buffer.concat(chunks)))).toBe('body');
    });

    it('should settle before it ends the target, so the upstream span closes before the response does', () => {
      const target = new PassThrough();
      const endedWhenSettled: boolean[] = [];
      const sut = new ForwardingHandler(
        () => target,
        () => endedWhenSettled.push(target.writableEnded),
        { stallTimeoutMs: STALL_TIMEOUT_MS },
      );
      const controller = new RecordingController();
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      sut.onResponseEnd();
      expect(endedWhenSettled).toEqual([false]);
      expect(target.writableEnded).toBe(true);
    });

    it.each([
      ['before the headers', false],
      ['during the body', true],
    ])('should settle once with the error when the upstream fails %s', (_case, afterHeaders) => {
      const { sut, settled, controller } = makeHandler();
      sut.onRequestStart(controller);
      if (afterHeaders) sut.onResponseStart(controller, 200);
      const failure = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
      sut.onResponseError(controller, failure);
      sut.onResponseError(controller, new Error('second report'));
      expect(settled).toEqual([{ error: failure, headersReceived: afterHeaders }]);
    });
  });

  describe('abort', () => {
    it('should settle at once a request still queued for a connection, and abort it as soon as it gets one', () => {
      const { sut, settled, signals, controller } = makeHandler();
      const reason = new Error('client went away');
      sut.abort(reason);
      expect({ calls: [...controller.calls], settled: [...settled] }).toEqual({ calls: [], settled: [{ error: reason, headersReceived: false }] });
      sut.onRequestStart(controller);
      expect({ calls: controller.calls, settled, signals }).toEqual({ calls: ['abort:client went away'], settled: [{ error: reason, headersReceived: false }], signals: ['connection'] });
    });

    it('should write nothing more and end nothing after an abort mid-body', () => {
      const target = new PassThrough();
      const { sut, settled, controller } = makeHandler(() => target);
      sut.onRequestStart(controller);
      sut.onResponseStart(controller, 200);
      sut.onResponseData(controller, Buffer.from('a'));
      sut.abort(new Error('gone'));
      sut.onResponseData(controller, Buffer.from('b'));
      sut.onResponseEnd();
      expect({ read: String(target.read()), ended: target.writableEnded, settled: settled.map((s) => s.error?.message) }).toEqual({ read: 'a', ended: false, settled: ['gone'] });
    });

    it('should abort a request in flight once, and not after it settled', () => {
      const { sut, controller } = makeHandler();
      sut.onRequestStart(controller);
      sut.abort(new Error('first'));
      sut.abort(new Error('second'));
      expect(controller.calls).toEqual(['abort:first']);
      const done = makeHandler();
      done.sut.onRequestStart(done.controller);
      done.sut.onResponseStart(done.controller, 200);
      done.sut.onResponseEnd();
      done.sut.abort(new Error('too late'));
      expect(done.controller.calls).toEqual([]);
    });
  });
});
