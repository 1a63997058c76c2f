import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';

export interface UpstreamResponseHead {
  readonly status: number;
  /** Header name/value pairs as received (latin1, byte for byte), repeated headers (Set-Cookie) kept. */
  readonly rawHeaders: readonly string[];
}

/** Status and headers arrived: returns where the body goes (the client's response). */
export type ResponseTarget = (head: UpstreamResponseHead) => Writable;

/** How one attempt ended: no error once the whole body was handed to the target. */
export type AttemptSettled = (error: Error | undefined, headersReceived: boolean) => void;

/**
 * An undici dispatch handler that writes the upstream body straight into the client's response, with
 * backpressure both ways: no intermediate Readable, no stream.pipeline (whose per-call AbortController
 * and DOMException were ~10% of a request). Settles exactly once.
 */
export class ForwardingHandler implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private writable?: Writable;
  private abortReason?: Error;
  private settled = false;

  constructor(
    private readonly target: ResponseTarget,
    private readonly onSettled: AttemptSettled,
  ) {}

  /** Aborts the request now, or as soon as it is on a connection. */
  abort(reason: Error): void {
    if (this.settled || this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    // 1xx: an informational answer; the final one follows.
    if (statusCode < 200 || this.settled) return;
    try {
      const writable = this.target({ status: statusCode, rawHeaders: headerStrings(controller.rawHeaders) });
      writable.on('drain', () => controller.resume());
      this.writable = writable;
    } catch (error) {
      // Headers the client's response refuses: nothing was sent, the upstream answer counts as malformed.
      controller.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.writable !== undefined && !this.writable.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    // Settled before the response ends: the caller's span for the upstream call closes before its parent's.
    this.settle(undefined);
    this.writable?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.settle(error);
  }

  private settle(error: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(error, this.writable !== undefined);
  }
}

/** undici hands raw headers as latin1 Buffers: kept byte for byte when written back with writeHead. */
function headerStrings(raw: Dispatcher.DispatchController['rawHeaders']): string[] {
  if (!Array.isArray(raw)) return [];
  const strings = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i += 1) {
    const item: Buffer | string = raw[i];
    strings[i] = typeof item === 'string' ? item : item.toString('latin1');
  }
  return strings;
}
