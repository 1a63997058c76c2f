import { formatLogLine } from './log-line';

const TIME = new Date('2026-12-02T10:00:00.123Z');

describe(formatLogLine.name, () => {
  it.each<[string, string, Record<string, unknown> | undefined, object, string[]]>([
    ['a bare message', 'listening', undefined, { time: TIME.toISOString(), level: 'info', msg: 'listening' }, ['time', 'level', 'msg']],
    ['fields after the message', 'listening', { gatewayPort: 8080, routes: 2 }, { time: TIME.toISOString(), level: 'info', msg: 'listening', gatewayPort: 8080, routes: 2 }, ['time', 'level', 'msg', 'gatewayPort', 'routes']],
    ['fields that try to replace time, level or msg', 'x', { time: 'then', level: 'none', msg: 'other', context: 'Gateway' }, { time: TIME.toISOString(), level: 'info', msg: 'x', context: 'Gateway' }, ['time', 'level', 'msg', 'context']],
  ])('should write %s as one JSON line', (_case, msg, fields, expected, keys) => {
    const line = formatLogLine(TIME, 'info', msg, fields);
    expect({ line: JSON.parse(line) as unknown, keys: Object.keys(JSON.parse(line) as object), oneLine: !line.includes('\n') }).toEqual({ line: expected, keys, oneLine: true });
  });

  it('should keep a multi-line message on one line', () => {
    expect(formatLogLine(TIME, 'error', 'Invalid configuration (2 problems):\n  - a\n  - b')).not.toContain('\n');
  });
});
