import { EventEmitter } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Span, SpanStatus } from '@opentelemetry/api';
import type { ProxySpans } from '@app/tracing';
import { ClientStalledError, UpstreamTimeoutError, UpstreamUnavailableError } from '@app/upstream-client';
import type { AccessLogEntry } from './access-log';
import { ProxyExchange, type ExchangeSinks } from './proxy-exchange';
import type { RequestOutcome } from './proxy-metrics';
import { RouteNotFoundError } from './proxy.errors';
import { QueuedResponses } from './queued-responses';

const TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7';

/** A connection: closing it closes the response it carries, as Node's does. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  readonly remoteAddress = '127.0.0.1';
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

/** The parts of a ServerResponse the exchange uses, with Node's event order ('finish' then 'close'). */
class FakeResponse extends EventEmitter {
  socket: FakeSocket | null;
  headersSent = false;
  writableFinished = false;
  statusCode = 200;
  headers: OutgoingHttpHeaders = {};
  body = '';
  continues = 0;
  constructor(socket: FakeSocket | null) {
    super();
    this.socket = socket;
    socket?.once('close', () => this.emit('close'));
  }
  assign(socket: FakeSocket): void {
    this.socket = socket;
    socket.once('close', () => this.emit('close'));
    this.emit('socket', socket);
  }
  writeHead(status: number, headers: OutgoingHttpHeaders): this {
    this.statusCode = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }
  writeContinue(): void {
    this.continues += 1;
  }
  end(body = ''): this {
    this.body += body;
    this.writableFinished = true;
    this.emit('finish');
    this.emit('close');
    return this;
  }
  destroy(): void {
    this.socket?.destroy();
  }
}

/** Records what happened to a span, in order, across both spans of an exchange. */
function makeSpan(kind: string, events: string[]): Span {
  const span = {
    setAttribute: (key: string, value: unknown) => (events.push(`${kind}.${key}=${String(value)}`), span),
    setStatus: (status: SpanStatus) => (events.push(`${kind}.status=${status.message ?? ''}`), span),
    end: () => void events.push(`${kind}.end`),
  };
  return span as unknown as Span;
}

function makeExchange({ queued = false, rawHeaders = [] as string[], traceIdHeader = undefined as string | undefined } = {}) {
  const socket = new FakeSocket();
  const response = new FakeResponse(queued ? null : socket);
  const request = { method: 'GET', url: '/api/x?token=secret', rawHeaders, headers: {}, socket } as unknown as IncomingMessage;
  const recorded: RequestOutcome[] = [];
  const logged: AccessLogEntry[] = [];
  const sinks: ExchangeSinks = {
    metrics: { started: () => undefined, finished: (outcome) => void recorded.push(outcome) },
    accessLog: { enabled: true, write: (entry) => void logged.push(entry) },
    draining: () => false,
    queued: new QueuedResponses(),
    traceIdHeader,
  };
  const sut = new ProxyExchange(request, response as unknown as ServerResponse, 'req-1', sinks);
  const events: string[] = [];
  const aborts: string[] = [];
  const spans: ProxySpans = {
    server: makeSpan('server', events),
    client: makeSpan('client', events),
    outbound: { traceId: TRACE_ID, spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), sampling: 'sampled', random: false },
  };
  const startUpstream = (): void => {
    sut.matched = { template: '/api/', serverAddress: '127.0.0.1', serverPort: 8080, upstreamAddress: '127.0.0.1:8080' };
    sut.upstreamStarted(spans, { abort: () => void aborts.push('abort') }, performance.now());
  };
  return { sut, socket, response, recorded, logged, events, aborts, startUpstream };
}

type Fixture = ReturnType<typeof makeExchange>;

/** What one exchange left behind: the status recorded, the log line's error, the span events, aborts. */
function outcome(f: Fixture) {
  return {
    recorded: f.recorded.map(({ status, upstream }) => ({ status, upstreamStatus: upstream?.status })),
    errorTypes: f.recorded.map(({ errorType, upstream }) => [errorType, upstream?.errorType]),
    logged: f.logged.map(({ status, error, route, path }) => ({ status, error, route, path })),
    spanEvents: f.events,
    aborts: f.aborts,
  };
}

describe(ProxyExchange.name, () => {
  describe('ending exactly once', () => {
    it.each<[string, (f: Fixture) => void, ReturnType<typeof outcome>]>([
      ['the upstream answer streamed to the end', (f) => {
        f.startUpstream();
        f.sut.respondWithUpstreamHead(200, {});
        f.sut.upstreamSettled(undefined);
        f.response.end();
      }, {
        recorded: [{ status: 200, upstreamStatus: 200 }],
        logged: [{ status: 200, error: undefined, route: 'unmatched', path: '/api/x' }],
        spanEvents: ['client.http.status_code=200', 'client.end', 'server.http.status_code=200', 'server.end'],
        aborts: [],
        errorTypes: [[undefined, undefined]],
      }],
      ['the client gone mid-response', (f) => {
        f.startUpstream();
        f.sut.respondWithUpstreamHead(200, {});
        f.socket.destroy();
      }, {
        recorded: [{ status: 0, upstreamStatus: 200 }],
        logged: [{ status: 0, error: 'client aborted', route: 'unmatched', path: '/api/x' }],
        spanEvents: ['client.http.status_code=200', 'client.error=client aborted', 'client.status=client aborted', 'client.end', 'server.error=client aborted', 'server.status=client aborted', 'server.end'],
        aborts: ['abort'],
        errorTypes: [['client_aborted', 'client_aborted']],
      }],
      ['the client gone before the upstream answered', (f) => {
        f.startUpstream();
        f.socket.destroy();
      }, {
        recorded: [{ status: 0, upstreamStatus: undefined }],
        logged: [{ status: 0, error: 'client aborted', route: 'unmatched', path: '/api/x' }],
        spanEvents: ['client.error=client aborted', 'client.status=client aborted', 'client.end', 'server.error=client aborted', 'server.status=client aborted', 'server.end'],
        aborts: ['abort'],
        errorTypes: [['client_aborted', 'client_aborted']],
      }],
      ['an upstream failure before the headers: our 502', (f) => {
        f.startUpstream();
        f.sut.upstreamSettled(new UpstreamUnavailableError('connection refused'));
      }, {
        recorded: [{ status: 502, upstreamStatus: undefined }],
        logged: [{ status: 502, error: 'upstream unavailable: connection refused', route: 'unmatched', path: '/api/x' }],
        spanEvents: [
          'client.error=upstream unavailable: connection refused', 'client.status=upstream unavailable: connection refused', 'client.end',
          'server.http.status_code=502', 'server.error=upstream unavailable: connection refused', 'server.status=upstream unavailable: connection refused', 'server.end',
        ],
        aborts: [],
        errorTypes: [['connection_refused', 'connection_refused']],
      }],
      ['an upstream timeout: our 504', (f) => {
        f.startUpstream();
        f.sut.upstreamSettled(new UpstreamTimeoutError('no response headers', 1000));
      }, {
        recorded: [{ status: 504, upstreamStatus: undefined }],
        logged: [{ status: 504, error: 'upstream timed out: no response headers after 1000 ms', route: 'unmatched', path: '/api/x' }],
        spanEvents: [
          'client.error=upstream timed out: no response headers after 1000 ms', 'client.status=upstream timed out: no response headers after 1000 ms', 'client.end',
          'server.http.status_code=504', 'server.error=upstream timed out: no response headers after 1000 ms', 'server.status=upstream timed out: no response headers after 1000 ms', 'server.end',
        ],
        aborts: [],
        errorTypes: [['timeout', 'timeout']],
      }],
      ['an upstream reset mid-body: the connection cut', (f) => {
        f.startUpstream();
        f.sut.respondWithUpstreamHead(200, {});
        f.sut.upstreamSettled(new UpstreamUnavailableError('connection reset'));
      }, {
        recorded: [{ status: 0, upstreamStatus: 200 }],
        logged: [{ status: 0, error: 'upstream unavailable: connection reset', route: 'unmatched', path: '/api/x' }],
        spanEvents: [
          'client.http.status_code=200', 'client.error=upstream unavailable: connection reset', 'client.status=upstream unavailable: connection reset', 'client.end',
          'server.error=upstream unavailable: connection reset', 'server.status=upstream unavailable: connection reset', 'server.end',
        ],
        aborts: [],
        errorTypes: [['connection_reset', 'connection_reset']],
      }],
      ['a client that stopped reading: the connection cut', (f) => {
        f.startUpstream();
        f.sut.respondWithUpstreamHead(200, {});
        f.sut.upstreamSettled(new ClientStalledError(60000));
      }, {
        recorded: [{ status: 0, upstreamStatus: 200 }],
        logged: [{ status: 0, error: 'the client read nothing of the response for 60000 ms', route: 'unmatched', path: '/api/x' }],
        spanEvents: [
          'client.http.status_code=200', 'client.error=the client read nothing of the response for 60000 ms', 'client.status=the client read nothing of the response for 60000 ms', 'client.end',
          'server.error=the client read nothing of the response for 60000 ms', 'server.status=the client read nothing of the response for 60000 ms', 'server.end',
        ],
        aborts: [],
        errorTypes: [['client_stalled', 'client_stalled']],
      }],
      ['a refusal before the upstream: our 404, no spans', (f) => {
        f.sut.fail(new RouteNotFoundError('/api/x'));
      }, {
        recorded: [{ status: 404, upstreamStatus: undefined }],
        logged: [{ status: 404, error: undefined, route: 'unmatched', path: '/api/x' }],
        spanEvents: [],
        aborts: [],
        errorTypes: [[undefined, undefined]],
      }],
      ['every end signal at once (finish, close, socket close, a late failure)', (f) => {
        f.startUpstream();
        f.sut.respondWithUpstreamHead(200, {});
        f.sut.upstreamSettled(undefined);
        f.response.end();
        f.response.emit('close');
        f.socket.destroy();
        f.sut.fail(new UpstreamUnavailableError('late'));
      }, {
        recorded: [{ status: 200, upstreamStatus: 200 }],
        logged: [{ status: 200, error: undefined, route: 'unmatched', path: '/api/x' }],
        spanEvents: ['client.http.status_code=200', 'client.end', 'server.http.status_code=200', 'server.end'],
        aborts: [],
        errorTypes: [[undefined, undefined]],
      }],
    ])('should end once, both spans ended, CLIENT first, one metric and one log line: %s', (_case, run, expected) => {
      const fixture = makeExchange();
      run(fixture);
      expect(outcome(fixture)).toEqual(expected);
      expect(fixture.sut.isFinished).toBe(true);
    });
  });

  describe('pipelined requests', () => {
    it('should end a response still queued behind an earlier one when its connection closes', () => {
      const fixture = makeExchange({ queued: true });
      let started = false;
      fixture.sut.whenActive(() => (started = true));
      fixture.socket.destroy();
      expect({ started, ...outcome(fixture) }).toEqual({
        started: false,
        recorded: [{ status: 0, upstreamStatus: undefined }],
        logged: [{ status: 0, error: 'client aborted', route: 'unmatched', path: '/api/x' }],
        spanEvents: [],
        aborts: [],
        errorTypes: [['client_aborted', undefined]],
      });
    });

    it('should start a queued request once its response gets the connection, and watch the response from then on', () => {
      const fixture = makeExchange({ queued: true });
      let started = false;
      fixture.sut.whenActive(() => (started = true));
      expect(started).toBe(false);
      fixture.response.assign(fixture.socket);
      expect(started).toBe(true);
      fixture.response.end();
      expect(outcome(fixture).recorded).toEqual([{ status: 200, upstreamStatus: undefined }]);
    });

    it('should cut the connection, not wait for one, when a queued request cannot be answered', () => {
      const fixture = makeExchange({ queued: true });
      fixture.sut.fail(new ClientStalledError(1));
      expect({ destroyed: fixture.socket.destroyed, recorded: outcome(fixture).recorded }).toEqual({ destroyed: true, recorded: [{ status: 0, upstreamStatus: undefined }] });
    });
  });

  describe('answers', () => {
    it('should answer with the error policy, the request id and the trace id', () => {
      const fixture = makeExchange();
      fixture.startUpstream();
      fixture.sut.upstreamSettled(new UpstreamUnavailableError('connection refused'));
      expect({ status: fixture.response.statusCode, headers: fixture.response.headers, body: JSON.parse(fixture.response.body) as unknown }).toEqual({
        status: 502,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': fixture.response.body.length, 'x-request-id': 'req-1' },
        body: { error: 'upstream_unavailable', message: 'upstream unavailable: connection refused', requestId: 'req-1', traceId: TRACE_ID },
      });
    });

    it('should close the connection after refusing a request that waits for 100 Continue', () => {
      const fixture = makeExchange({ rawHeaders: ['Expect', '100-continue'] });
      fixture.sut.fail(new RouteNotFoundError('/x'));
      expect({ connection: fixture.response.headers.connection, continues: fixture.response.continues }).toEqual({ connection: 'close', continues: 0 });
    });

    it.each<[string, (f: Fixture) => void, string | undefined]>([
      ["on the upstream's answer, replacing the upstream's header", (f) => {
        f.startUpstream();
        f.sut.respondWithUpstreamHead(200, { 'x-trace-id': 'from-upstream' });
      }, TRACE_ID],
      ['on our 504', (f) => {
        f.startUpstream();
        f.sut.upstreamSettled(new UpstreamTimeoutError('no response headers', 10));
      }, TRACE_ID],
      ['not on an answer given before a route matched (no trace yet)', (f) => f.sut.fail(new RouteNotFoundError('/x')), undefined],
    ])('should put the trace id header (tracing.responseTraceIdHeader) %s', (_case, run, expected) => {
      const fixture = makeExchange({ traceIdHeader: 'x-trace-id' });
      run(fixture);
      expect(fixture.response.headers['x-trace-id']).toBe(expected);
    });

    it("should put the request id on the upstream's answer", () => {
      const fixture = makeExchange();
      fixture.startUpstream();
      fixture.sut.respondWithUpstreamHead(201, { 'content-type': 'text/plain' });
      expect(fixture.response.headers).toEqual({ 'content-type': 'text/plain', 'x-request-id': 'req-1' });
    });
  });
});
