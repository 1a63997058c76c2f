import { formatAccessLogLine, type AccessLogEntry } from './access-log';

const TIME = '2026-11-25T07:00:00.123Z';
const BASE: AccessLogEntry = { requestId: 'r-1', method: 'GET', path: '/productpage', route: 'productpage', status: 200, durationMs: 1.234, bytesIn: 78, bytesOut: 1203 };

describe(formatAccessLogLine.name, () => {
  it.each<[string, AccessLogEntry]>([
    ['the required fields', BASE],
    ['trace and span ids, client and upstream addresses, upstream status and error', {
      ...BASE, traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: '352bff9a74ca9ad2', clientAddress: '::ffff:10.0.0.7', upstreamAddress: 'istio-ingressgateway:80',
      upstreamStatus: 502, status: 502, error: 'upstream unavailable: connection refused',
    }],
    ['strings that need escaping', { ...BASE, requestId: 'a"b\\c', path: '/caf\u00e9/\u2028"x"', route: 'r\nn', error: 'tab\there' }],
    ['an aborted request', { ...BASE, status: 0, durationMs: 0, error: 'client aborted' }],
  ])('should write %s as one JSON line equal to the entry', (_case, entry) => {
    const line = formatAccessLogLine(entry, TIME);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ time: TIME, level: entry.status >= 500 || entry.status === 0 ? 'warn' : 'info', msg: 'request', ...entry });
  });

  it.each<[number, string]>([[200, 'info'], [404, 'info'], [499, 'info'], [500, 'warn'], [502, 'warn'], [504, 'warn'], [0, 'warn']])('should log status %d at %s', (status, level) => {
    expect((JSON.parse(formatAccessLogLine({ ...BASE, status }, TIME)) as { level: string }).level).toBe(level);
  });

  it('should keep the key order fixed', () => {
    const line = formatAccessLogLine({ ...BASE, traceId: 't', spanId: 's', clientAddress: 'c', upstreamAddress: 'u', upstreamStatus: 200, error: 'e' }, TIME);
    expect(Object.keys(JSON.parse(line) as object)).toEqual([
      'time', 'level', 'msg', 'requestId', 'traceId', 'spanId', 'clientAddress', 'method', 'path', 'route', 'status', 'durationMs', 'bytesIn', 'bytesOut', 'upstreamAddress', 'upstreamStatus', 'error',
    ]);
  });
});
