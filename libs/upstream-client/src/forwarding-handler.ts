import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ClientStalledError } from './upstream.errors';

export interface UpstreamResponseHead {
  readonly status: number;
  /** Header name/value pairs as received (latin1, byte for byte), repeated headers (Set-Cookie) kept. */
  readonly rawHeaders: readonly string[];
}

/** Status and headers arrived: returns where the body goes (the client's response). */
export type ResponseTarget = (head: UpstreamResponseHead) => Writable;

/** How one attempt ended: no error once the whole body was handed to the target. */
export type AttemptSettled = (error: Error | undefined, headersReceived: boolean) => void;

export interface ForwardingHandlerOptions {
  /** A target that takes no bytes for this long while the upstream is paused for it: the attempt is aborted. */
  readonly stallTimeoutMs: number;
  /** The request got a connection (its wait for the pool is over). */
  readonly onConnection?: () => void;
  /** The final response status arrived (the headers deadline is met). */
  readonly onHeaders?: () => void;
}

/**
 * An undici dispatch handler that writes the upstream body straight into the client's response, with
 * backpressure both ways: no intermediate Readable, no stream.pipeline (whose per-call AbortController
 * and DOMException were ~10% of a request). A client that stops reading holds the upstream paused, where
 * undici's body timeout does not run: the stall timer bounds that wait. Settles exactly once.
 */
export class ForwardingHandler implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private writable?: Writable;
  private abortReason?: Error;
  private stallTimer?: NodeJS.Timeout;
  private settled = false;

  constructor(
    private readonly target: ResponseTarget,
    private readonly onSettled: AttemptSettled,
    private readonly options: ForwardingHandlerOptions,
  ) {}

  /**
   * Ends the attempt now, with `reason`: the caller learns at once, and undici aborts the request now or,
   * for one still queued for a connection (undici cannot take it out of its queue), as soon as it gets one.
   */
  abort(reason: Error): void {
    if (this.settled) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.settle(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.options.onConnection?.();
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    // 1xx: an informational answer; the final one follows.
    if (statusCode < 200 || this.settled) return;
    this.options.onHeaders?.();
    try {
      this.writable = this.target({ status: statusCode, rawHeaders: headerStrings(controller.rawHeaders) });
    } catch (error) {
      // Headers the client's response refuses: nothing was sent, the upstream answer counts as malformed.
      controller.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled || this.writable === undefined || this.writable.write(chunk)) return;
    controller.pause();
    if (this.stallTimer === undefined) {
      // Listened for only once the target pushes back (most responses never do), once per pause.
      this.writable.once('drain', () => this.drained(controller));
      this.stallTimer = setTimeout(() => this.abort(new ClientStalledError(this.options.stallTimeoutMs)), this.options.stallTimeoutMs);
    }
  }

  onResponseEnd(): void {
    if (this.settled) return;
    // Settled before the response ends: the caller's span for the upstream call closes before its parent's.
    this.settle(undefined);
    this.writable?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.settle(error);
  }

  private drained(controller: Dispatcher.DispatchController): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    controller.resume();
  }

  private settle(error: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.stallTimer);
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
