import { Inject, Injectable } from '@nestjs/common';
import { BufferedLineWriter } from '@app/tracing';

export const ACCESS_LOG_WRITER = Symbol('ACCESS_LOG_WRITER');

export interface AccessLogEntry {
  readonly requestId: string;
  readonly traceId?: string;
  /** The SERVER span's id. */
  readonly spanId?: string;
  readonly clientAddress?: string;
  readonly method: string;
  /** The path without its query string: queries may carry tokens. */
  readonly path: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  /** Request body bytes read from the client (after the head), and response bytes written to it (head and body). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** `host:port` of the upstream called. */
  readonly upstreamAddress?: string;
  readonly upstreamStatus?: number;
  readonly error?: string;
}

/**
 * The JSON line of one request, keys in a fixed order. Written by hand (each string through JSON.stringify
 * for escaping) rather than JSON.stringify of a spread object: it is on every request.
 */
export function formatAccessLogLine(entry: AccessLogEntry, time: string): string {
  // A 5xx (the upstream's or our 502/504) or a cut exchange is worth a look: warn, like the log schema's other warnings.
  const level = entry.status >= 500 || entry.status === 0 ? 'warn' : 'info';
  let line = `{"time":"${time}","level":"${level}","msg":"request","requestId":${JSON.stringify(entry.requestId)}`;
  if (entry.traceId !== undefined) line += `,"traceId":"${entry.traceId}"`;
  if (entry.spanId !== undefined) line += `,"spanId":"${entry.spanId}"`;
  if (entry.clientAddress !== undefined) line += `,"clientAddress":${JSON.stringify(entry.clientAddress)}`;
  line += `,"method":${JSON.stringify(entry.method)},"path":${JSON.stringify(entry.path)},"route":${JSON.stringify(entry.route)},"status":${entry.status},"durationMs":${entry.durationMs}`;
  line += `,"bytesIn":${entry.bytesIn},"bytesOut":${entry.bytesOut}`;
  if (entry.upstreamAddress !== undefined) line += `,"upstreamAddress":${JSON.stringify(entry.upstreamAddress)}`;
  if (entry.upstreamStatus !== undefined) line += `,"upstreamStatus":${entry.upstreamStatus}`;
  if (entry.error !== undefined) line += `,"error":${JSON.stringify(entry.error)}`;
  return `${line}}`;
}

/** One JSON line per request, written in batches off the request path (BufferedLineWriter). */
@Injectable()
export class AccessLog {
  private lastMs = 0;
  private lastTime = '';

  constructor(@Inject(ACCESS_LOG_WRITER) private readonly writer: BufferedLineWriter | undefined) {}

  get enabled(): boolean {
    return this.writer !== undefined;
  }

  write(entry: AccessLogEntry): void {
    this.writer?.write(formatAccessLogLine(entry, this.now()));
  }

  /** ISO time, formatted once per millisecond (several requests end in the same one under load). */
  private now(): string {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastTime = new Date(ms).toISOString();
    }
    return this.lastTime;
  }
}
