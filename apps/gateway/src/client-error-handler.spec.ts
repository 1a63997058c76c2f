import type { Socket } from 'node:net';
import type { Attributes } from '@opentelemetry/api';
import { classifyClientError, createClientErrorHandler, formatClientErrorAnswer, type ClientErrorAnswer } from './client-error-handler';

const REQUEST_ID = '7f0c2a4e-1b5d-4c3e-9a8f-0123456789ab';

interface FakeSocket {
  readonly socket: Socket;
  readonly written: string[];
  destroyed: boolean;
}

/** The parts of a net.Socket the handler touches; `inFlight` is the response Node keeps on it. */
function makeSocket(overrides: { writable?: boolean; destroyed?: boolean; inFlight?: { headersSent: boolean } } = {}): FakeSocket {
  const fake: FakeSocket = { socket: undefined as unknown as Socket, written: [], destroyed: overrides.destroyed ?? false };
  const socket = {
    get destroyed(): boolean {
      return fake.destroyed;
    },
    writable: overrides.writable ?? true,
    _httpMessage: overrides.inFlight ?? null,
    write: (chunk: string): boolean => fake.written.push(chunk) > 0,
    destroy: (): void => {
      fake.destroyed = true;
    },
  };
  return Object.assign(fake, { socket: socket as unknown as Socket });
}

const parserError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe(classifyClientError.name, () => {
  it.each<[string, string | undefined, boolean, ClientErrorAnswer | undefined]>([
    ['a malformed request line', 'HPE_INVALID_METHOD', false, { status: 400, reason: 'bad_request' }],
    ['a bad header token', 'HPE_INVALID_HEADER_TOKEN', false, { status: 400, reason: 'bad_request' }],
    ['Content-Length with Transfer-Encoding', 'HPE_UNEXPECTED_CONTENT_LENGTH', false, { status: 400, reason: 'bad_request' }],
    ['a bad chunk size mid-body', 'HPE_INVALID_CHUNK_SIZE', true, { status: 400, reason: 'bad_request' }],
    ['a header block over maxHeaderSize', 'HPE_HEADER_OVERFLOW', false, { status: 431, reason: 'headers_too_large' }],
    ['chunk extensions over Node’s limit', 'HPE_CHUNK_EXTENSIONS_OVERFLOW', true, { status: 413, reason: 'chunk_extensions_too_large' }],
    ['a header block not complete within headersTimeout', 'ERR_HTTP_REQUEST_TIMEOUT', false, { status: 408, reason: 'header_timeout' }],
    ['a body not complete within requestTimeout', 'ERR_HTTP_REQUEST_TIMEOUT', true, { status: 408, reason: 'request_timeout' }],
    ['a reset connection', 'ECONNRESET', false, undefined],
    ['a broken pipe', 'EPIPE', true, undefined],
    ['an error without a code', undefined, false, undefined],
  ])('should classify %s', (_case, code, requestInFlight, expected) => {
    expect(classifyClientError(code, requestInFlight)).toEqual(expected);
  });
});

describe(formatClientErrorAnswer.name, () => {
  it.each<[number, string]>([
    [400, 'Bad Request'],
    [408, 'Request Timeout'],
    [413, 'Payload Too Large'],
    [431, 'Request Header Fields Too Large'],
  ])('should write a complete %d answer that closes the connection', (status, text) => {
    expect(formatClientErrorAnswer(status, REQUEST_ID)).toBe(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length + 1}\r\n` +
        `x-request-id: ${REQUEST_ID}\r\n\r\n${text}\n`,
    );
  });
});

describe(createClientErrorHandler.name, () => {
  let counted: Attributes[];
  let logged: unknown[];
  let sut: ReturnType<typeof createClientErrorHandler>;

  beforeEach(() => {
    counted = [];
    logged = [];
    sut = createClientErrorHandler(
      { add: (_value: number, attributes?: Attributes) => void counted.push(attributes ?? {}) },
      'admin',
      { debug: (message: unknown) => void logged.push(message) },
      () => REQUEST_ID,
    );
  });

  it('should answer, count and close a parser error on a fresh connection', () => {
    const fake = makeSocket();
    sut(parserError('HPE_HEADER_OVERFLOW'), fake.socket);
    expect({ written: fake.written, counted, destroyed: fake.destroyed }).toEqual({
      written: [formatClientErrorAnswer(431, REQUEST_ID)],
      counted: [{ reason: 'headers_too_large', port: 'admin' }],
      destroyed: true,
    });
  });

  it('should log the code and the answer, never the raw packet', () => {
    const error = Object.assign(parserError('HPE_INVALID_HEADER_TOKEN'), { rawPacket: Buffer.from('GET / HTTP/1.1\r\nAuthorization: Bearer SECRET\r\n\0') });
    sut(error, makeSocket().socket);
    expect(logged).toEqual([{ message: 'client error', port: 'admin', status: 400, reason: 'bad_request', code: 'HPE_INVALID_HEADER_TOKEN', answered: true, requestId: REQUEST_ID }]);
  });

  it('should answer a timed-out body whose response has not started', () => {
    const fake = makeSocket({ inFlight: { headersSent: false } });
    sut(parserError('ERR_HTTP_REQUEST_TIMEOUT'), fake.socket);
    expect({ written: fake.written, counted, destroyed: fake.destroyed }).toEqual({
      written: [formatClientErrorAnswer(408, REQUEST_ID)],
      counted: [{ reason: 'request_timeout', port: 'admin' }],
      destroyed: true,
    });
  });

  it.each([
    ['a response has started', { inFlight: { headersSent: true } }],
    ['the socket is not writable', { writable: false }],
  ])('should count and close, writing nothing, when %s', (_case, overrides) => {
    const fake = makeSocket(overrides);
    sut(parserError('HPE_INVALID_CHUNK_SIZE'), fake.socket);
    expect({ written: fake.written, counted, destroyed: fake.destroyed }).toEqual({ written: [], counted: [{ reason: 'bad_request', port: 'admin' }], destroyed: true });
  });

  it.each([
    ['a reset connection', 'ECONNRESET', {}],
    ['an error on a socket already destroyed', 'HPE_INVALID_METHOD', { destroyed: true }],
  ])('should neither answer nor count %s', (_case, code, overrides) => {
    const fake = makeSocket(overrides);
    sut(parserError(code), fake.socket);
    expect({ written: fake.written, counted, destroyed: fake.destroyed }).toEqual({ written: [], counted: [], destroyed: true });
  });
});
