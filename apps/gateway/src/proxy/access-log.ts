import { Inject, Injectable } from '@nestjs/common';
import { BufferedLineWriter } from '@app/tracing';

export const ACCESS_LOG_WRITER = Symbol('ACCESS_LOG_WRITER');

export interface AccessLogEntry {
  readonly requestId: string;
  readonly traceId?: string;
  readonly method: string;
  /** The path without its query string: queries may carry tokens. */
  readonly path: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly upstreamStatus?: number;
  readonly error?: string;
}

/**
 * The JSON line of one request, keys in a fixed order. Written by hand (each string through JSON.stringify
 * for escaping) rather than JSON.stringify of a spread object: it is on every request.
 */
export function formatAccessLogLine(entry: AccessLogEntry, time: string): string {
  let line = `{"time":"${time}","level":"info","msg":"request","requestId":${JSON.stringify(entry.requestId)}`;
  if (entry.traceId !== undefined) line += `,"traceId":"${entry.traceId}"`;
  line += `,"method":${JSON.stringify(entry.method)},"path":${JSON.stringify(entry.path)},"route":${JSON.stringify(entry.route)},"status":${entry.status},"durationMs":${entry.durationMs}`;
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
