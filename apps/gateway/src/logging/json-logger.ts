import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '@app/config';
import type { BufferedLineWriter } from '@app/tracing';
import { formatLogLine, type LineLevel } from './log-line';

const RANK: Readonly<Record<LineLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Nest's start-up chatter (module by module, route by route): debug, so a start prints one `listening` line. */
const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's logger, routed into the one log schema (`time`, `level`, `msg`, then fields) and the same batched
 * stdout writer as the access log. A message may be a string or an object whose `message` becomes `msg`.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly writer: Pick<BufferedLineWriter, 'write'>,
    private readonly minimum: LogLevel,
    private readonly now: () => Date = () => new Date(),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  private write(level: LineLevel, message: unknown, rest: readonly unknown[]): void {
    // Nest passes the context last (and, for errors, a stack before it).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const effective = context !== undefined && FRAMEWORK_CONTEXTS.has(context) && level === 'info' ? 'debug' : level;
    if (RANK[effective] < RANK[this.minimum]) return;
    const { msg, fields } = splitMessage(message);
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.writer.write(formatLogLine(this.now(), effective, msg, { ...(context !== undefined && { context }), ...fields, ...(stack !== undefined && { stack }) }));
  }
}

/** Pure: a Nest log message as `msg` and fields: a string is the message; an object's `message` is. */
export function splitMessage(message: unknown): { msg: string; fields: Record<string, unknown> } {
  if (typeof message === 'string') return { msg: message, fields: {} };
  if (message instanceof Error) return { msg: message.message, fields: { stack: message.stack } };
  if (typeof message === 'object' && message !== null) {
    const { message: text, ...fields } = message as Record<string, unknown>;
    return { msg: typeof text === 'string' ? text : '', fields };
  }
  return { msg: String(message), fields: {} };
}
