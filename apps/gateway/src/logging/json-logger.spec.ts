import { JsonLogger, splitMessage } from './json-logger';

const TIME = new Date('2026-12-02T10:00:00.000Z');

function makeLogger(minimum: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sut = new JsonLogger({ write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) }, minimum, () => TIME);
  return { sut, lines };
}

describe(JsonLogger.name, () => {
  describe('log', () => {
    it.each<[string, (sut: JsonLogger) => void, Record<string, unknown>[]]>([
      ['a string with its context', (sut) => sut.log('draining', 'Gateway'), [{ time: TIME.toISOString(), level: 'info', msg: 'draining', context: 'Gateway' }]],
      ['an object: message becomes msg, the rest fields', (sut) => sut.log({ message: 'listening', gatewayPort: 8080 }, 'Gateway'),
        [{ time: TIME.toISOString(), level: 'info', msg: 'listening', context: 'Gateway', gatewayPort: 8080 }]],
      ["Nest's module chatter, below info", (sut) => sut.log('AppModule dependencies initialized', 'InstanceLoader'), []],
      ['a warning', (sut) => sut.warn('slow collector', 'ZipkinReporter'), [{ time: TIME.toISOString(), level: 'warn', msg: 'slow collector', context: 'ZipkinReporter' }]],
      ['an error with its stack', (sut) => sut.error('boom', 'Error: boom\n    at x', 'ProxyExceptionFilter'),
        [{ time: TIME.toISOString(), level: 'error', msg: 'boom', context: 'ProxyExceptionFilter', stack: 'Error: boom\n    at x' }]],
      ['a debug line below the minimum', (sut) => sut.debug('client error', 'ClientError'), []],
    ])('should write %s', (_case, run, expected) => {
      const { sut, lines } = makeLogger();
      run(sut);
      expect(lines).toEqual(expected);
    });
  });

  it("should show Nest's chatter at debug", () => {
    const { sut, lines } = makeLogger('debug');
    sut.log('Mapped {/, ALL} route', 'RouterExplorer');
    expect(lines.map((line) => line.level)).toEqual(['debug']);
  });
});

describe(splitMessage.name, () => {
  it.each<[unknown, ReturnType<typeof splitMessage>]>([
    ['text', { msg: 'text', fields: {} }],
    [{ message: 'listening', port: 1 }, { msg: 'listening', fields: { port: 1 } }],
    [{ port: 1 }, { msg: '', fields: { port: 1 } }],
    [42, { msg: '42', fields: {} }],
  ])('should split %j', (message, expected) => {
    expect(splitMessage(message)).toEqual(expected);
  });
});
