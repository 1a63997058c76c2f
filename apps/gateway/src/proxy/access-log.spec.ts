import { Writable } from 'node:stream';
import fc from 'fast-check';
import { BufferedLineWriter } from '@app/tracing';
import { AccessLog, IsoTimeFormatter, formatAccessLogLine, type AccessLogEntry } from './access-log';

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

/** The line as JSON.stringify writes it, keys in the line's order (undefined fields left out, as the line does). */
function referenceLine(entry: AccessLogEntry, time: string): string {
  const { requestId, traceId, spanId, clientAddress, method, path, route, status, durationMs, bytesIn, bytesOut, upstreamAddress, upstreamStatus, error } = entry;
  const level = status >= 500 || status === 0 ? 'warn' : 'info';
  return JSON.stringify({ time, level, msg: 'request', requestId, traceId, spanId, clientAddress, method, path, route, status, durationMs, bytesIn, bytesOut, upstreamAddress, upstreamStatus, error });
}

const FULL: AccessLogEntry = {
  ...BASE, traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: '352bff9a74ca9ad2', clientAddress: '10.0.0.7', upstreamAddress: 'istio-ingressgateway:80', upstreamStatus: 200,
};
const ESCAPED_FIELDS = ['requestId', 'clientAddress', 'method', 'path', 'route', 'upstreamAddress', 'error'] as const;

describe(`${formatAccessLogLine.name} byte for byte`, () => {
  it.each<[string, string]>([
    ['an empty string', ''],
    ['quotes', 'say "hi"'],
    ['backslashes', 'C:\\path\\'],
    ['every control character', Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('')],
    ['DEL', 'a\u007fb'],
    ['non-ASCII letters', '/caf\u00e9/na\u00efve/\u65e5\u672c'],
    ['line and paragraph separators', '\u2028\u2029'],
    ['a surrogate pair (emoji)', 'ok \ud83d\ude00'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a reversed pair', '\udc00\ud800'],
    ['a high surrogate at the end', 'abc\udbff'],
    ['printable ASCII', Array.from({ length: 0x5f }, (_, at) => String.fromCharCode(0x20 + at)).join('')],
  ])('should write %s in every string field exactly as JSON.stringify does', (_case, value) => {
    for (const field of ESCAPED_FIELDS) {
      const entry = { ...FULL, error: 'e', [field]: value };
      expect(formatAccessLogLine(entry, TIME)).toBe(referenceLine(entry, TIME));
    }
  });

  it('should write every UTF-16 code unit exactly as JSON.stringify does', () => {
    for (let code = 0; code <= 0xffff; code += 1) {
      const entry = { ...BASE, path: `/${String.fromCharCode(code)}/` };
      const line = formatAccessLogLine(entry, TIME);
      if (line !== referenceLine(entry, TIME)) throw new Error(`U+${code.toString(16)} differs: ${line}`);
    }
  });

  it.each<[string, AccessLogEntry]>([
    ['only the required fields', BASE],
    ['every field', { ...FULL, status: 502, upstreamStatus: 502, error: 'upstream unavailable: connection refused' }],
    ['fractional and zero numbers', { ...BASE, status: 0, durationMs: 0.000123, bytesIn: 0, bytesOut: 0 }],
  ])('should write %s as JSON.stringify would', (_case, entry) => {
    expect(formatAccessLogLine(entry, TIME)).toBe(referenceLine(entry, TIME));
  });
});

/** Every millisecond from `centre - radius` to `centre + radius`. */
function around(iso: string, radius = 2_500): number[] {
  const centre = Date.parse(iso);
  return Array.from({ length: 2 * radius + 1 }, (_, at) => centre - radius + at);
}

describe(IsoTimeFormatter.name, () => {
  describe('format', () => {
    it.each<[string, string]>([
      ['the epoch, from 1969', '1970-01-01T00:00:00.000Z'],
      ['a minute and an hour', '2026-11-25T07:00:00.000Z'],
      ['a day', '2026-11-26T00:00:00.000Z'],
      ['a year', '2027-01-01T00:00:00.000Z'],
      ['the millennium', '2000-01-01T00:00:00.000Z'],
      ['the leap day of 2024', '2024-02-29T00:00:00.000Z'],
      ['the day after a leap day', '2024-03-01T00:00:00.000Z'],
      ['the leap day of 2000 (divisible by 400)', '2000-03-01T00:00:00.000Z'],
      ['1 March 2100 (no leap day, divisible by 100)', '2100-03-01T00:00:00.000Z'],
      ['year 1 (four-digit years from 0000)', '0001-01-01T00:00:00.000Z'],
      ['the last second of year 9999, into the six-digit years', '+010000-01-01T00:00:00.000Z'],
      ['years before 0000 (six digits, signed)', '0000-01-01T00:00:00.000Z'],
    ])('should equal toISOString for every millisecond around %s, forwards and backwards', (_case, iso) => {
      const times = around(iso);
      for (const order of [times, [...times].reverse()]) {
        const sut = new IsoTimeFormatter();
        for (const ms of order) {
          const expected = new Date(ms).toISOString();
          if (sut.format(ms) !== expected) throw new Error(`${ms}: ${sut.format(ms)} !== ${expected}`);
        }
      }
    });

    it('should equal toISOString for any sequence of times, repeats, small steps and jumps across years 0000-9999', () => {
      const ms = fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });
      const step = fc.oneof(fc.constant(0), fc.integer({ min: -2_000, max: 2_000 }), fc.integer({ min: -90_000_000, max: 90_000_000 }));
      fc.assert(
        fc.property(ms, fc.array(step, { maxLength: 50 }), (start, steps) => {
          const sut = new IsoTimeFormatter();
          let now = start;
          for (const delta of [0, ...steps]) {
            now += delta;
            expect(sut.format(now)).toBe(new Date(now).toISOString());
          }
        }),
        { numRuns: 2000, seed: 0x5eed },
      );
    });
  });
});

describe(AccessLog.name, () => {
  describe('write', () => {
    afterEach(() => jest.restoreAllMocks());

    it('should write each line with the time of Date.now() in toISOString\'s form', () => {
      const written: string[] = [];
      const output = new Writable({ write: (chunk: Buffer, _encoding, callback) => ((written.push(chunk.toString()), callback())) });
      const writer = new BufferedLineWriter(output);
      const sut = new AccessLog(writer);
      const clock = [Date.parse('2024-02-29T23:59:59.998Z'), Date.parse('2024-02-29T23:59:59.998Z'), Date.parse('2024-02-29T23:59:59.999Z'), Date.parse('2024-03-01T00:00:00.000Z')];
      const now = jest.spyOn(Date, 'now');
      for (const ms of clock) now.mockReturnValueOnce(ms);

      for (let at = 0; at < clock.length; at += 1) sut.write(BASE);
      writer.flush();

      expect(written.join('').split('\n').filter((line) => line !== '')).toEqual(clock.map((ms) => formatAccessLogLine(BASE, new Date(ms).toISOString())));
    });
  });
});
