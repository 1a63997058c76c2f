import type { ReporterLogger } from '../rate-limited-log';

/** A ReporterLogger that keeps every line, prefixed with its level. */
export class CapturingLogger implements ReporterLogger {
  readonly lines: string[] = [];

  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }

  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}
