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

/** One JSON line per request, written in batches off the request path (BufferedLineWriter). */
@Injectable()
export class AccessLog {
  constructor(@Inject(ACCESS_LOG_WRITER) private readonly writer: BufferedLineWriter | undefined) {}

  write(entry: AccessLogEntry): void {
    this.writer?.write(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', ...entry }));
  }
}
