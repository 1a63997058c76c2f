/** The levels of the one log schema (stdout and stderr alike). */
export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Pure: one log line of the schema every line follows, `{"time", "level", "msg", …fields}` (the access log
 * writes the same keys by hand, on the request path). Fields never override the first three.
 */
export function formatLogLine(time: Date, level: LineLevel, msg: string, fields: Readonly<Record<string, unknown>> = {}): string {
  return JSON.stringify({ ...fields, time: time.toISOString(), level, msg }, ['time', 'level', 'msg', ...Object.keys(fields).filter((key) => key !== 'time' && key !== 'level' && key !== 'msg')]);
}
