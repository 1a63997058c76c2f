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
 * Printable ASCII but `"` and `\`: JSON.stringify writes such a string unchanged between its quotes (ECMA-262
 * QuoteJSONString escapes only those two, control characters and lone surrogates). Ids, methods, paths and
 * addresses nearly always are.
 */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** What JSON.stringify writes between the quotes, byte for byte; the call skipped for the plain string. */
function jsonEscaped(value: string): string {
  return JSON_PLAIN.test(value) ? value : JSON.stringify(value).slice(1, -1);
}

/**
 * The JSON line of one request, keys in a fixed order. Written by hand, as one template (strings escaped as
 * JSON.stringify would), rather than JSON.stringify of a spread object: it is on every request.
 */
export function formatAccessLogLine(entry: AccessLogEntry, time: string): string {
  // A 5xx (the upstream's or our 502/504) or a cut exchange is worth a look: warn, like the log schema's other warnings.
  const level = entry.status >= 500 || entry.status === 0 ? 'warn' : 'info';
  const traceId = entry.traceId === undefined ? '' : `,"traceId":"${entry.traceId}"`;
  const spanId = entry.spanId === undefined ? '' : `,"spanId":"${entry.spanId}"`;
  const clientAddress = entry.clientAddress === undefined ? '' : `,"clientAddress":"${jsonEscaped(entry.clientAddress)}"`;
  const upstreamAddress = entry.upstreamAddress === undefined ? '' : `,"upstreamAddress":"${jsonEscaped(entry.upstreamAddress)}"`;
  const upstreamStatus = entry.upstreamStatus === undefined ? '' : `,"upstreamStatus":${entry.upstreamStatus}`;
  const error = entry.error === undefined ? '' : `,"error":"${jsonEscaped(entry.error)}"`;
  return `{"time":"${time}","level":"${level}","msg":"request","requestId":"${jsonEscaped(entry.requestId)}"${traceId}${spanId}${clientAddress}`
    + `,"method":"${jsonEscaped(entry.method)}","path":"${jsonEscaped(entry.path)}","route":"${jsonEscaped(entry.route)}"`
    + `,"status":${entry.status},"durationMs":${entry.durationMs},"bytesIn":${entry.bytesIn},"bytesOut":${entry.bytesOut}${upstreamAddress}${upstreamStatus}${error}}`;
}

/** Length of toISOString's `mmmZ` tail, after the second's `.`. */
const MILLIS_TAIL = 4;

/**
 * `new Date(ms).toISOString()` with the part up to the second's `.` formatted once per second and the
 * milliseconds appended: the access log reads the clock on every request, and the millisecond changes on most.
 */
export class IsoTimeFormatter {
  private lastMs = NaN;
  private lastTime = '';
  private lastSecond = NaN;
  private secondPrefix = '';

  /** `ms`: an integer, as Date.now() returns. */
  format(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      const second = Math.floor(ms / 1000);
      if (second !== this.lastSecond) {
        this.lastSecond = second;
        const iso = new Date(second * 1000).toISOString();
        this.secondPrefix = iso.slice(0, iso.length - MILLIS_TAIL);
      }
      const millis = ms - second * 1000;
      this.lastTime = `${this.secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
    }
    return this.lastTime;
  }
}

/** One JSON line per request, written in batches off the request path (BufferedLineWriter). */
@Injectable()
export class AccessLog {
  private readonly clock = new IsoTimeFormatter();

  constructor(@Inject(ACCESS_LOG_WRITER) private readonly writer: BufferedLineWriter | undefined) {}

  get enabled(): boolean {
    return this.writer !== undefined;
  }

  write(entry: AccessLogEntry): void {
    this.writer?.write(formatAccessLogLine(entry, this.now()));
  }

  private now(): string {
    return this.clock.format(Date.now());
  }
}
