import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KIB_BODY } from '../apps/gateway/test/support/stand-in-upstream';

/** Every Nth request has its B3 headers checked; a full record of every request would grow without bound. */
const B3_SAMPLE_EVERY = 250;

const HEX16 = /^[0-9a-f]{16}$/;
const TRACE_ID = /^[0-9a-f]{16}([0-9a-f]{16})?$/;

export interface UpstreamCounts {
  readonly requests: number;
  /** Requests whose headers were checked. */
  readonly b3Checked: number;
  /** Checked requests with a well-formed B3 multi set (trace, span, parent, one of sampled/flags). */
  readonly b3Valid: number;
  /** Checked requests with no X-B3-TraceId at all (expected without the gateway). */
  readonly b3Absent: number;
  /** X-B3-Sampled values seen on checked requests ('flags' for X-B3-Flags: 1). */
  readonly b3SampledValues: Readonly<Record<string, number>>;
  /** The first malformed header set, for the INVALID reason. */
  readonly firstInvalid?: string;
}

/**
 * The ingress gateway stand-in for long runs: answers every path with the fixed 1 KiB body on keep-alive
 * connections, counts requests and checks the B3 headers of a sample, and keeps nothing else.
 */
export class CountingUpstream {
  private requests = 0;
  private b3Checked = 0;
  private b3Valid = 0;
  private b3Absent = 0;
  private readonly b3SampledValues: Record<string, number> = {};
  private firstInvalid?: string;
  private readonly server: Server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    request.resume();
    request.once('end', () => {
      this.requests += 1;
      if (this.requests % B3_SAMPLE_EVERY === 1) this.checkB3(request.headers);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': KIB_BODY.length }).end(KIB_BODY);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  counts(): UpstreamCounts {
    const { requests, b3Checked, b3Valid, b3Absent, firstInvalid } = this;
    return { requests, b3Checked, b3Valid, b3Absent, b3SampledValues: { ...this.b3SampledValues }, ...(firstInvalid !== undefined && { firstInvalid }) };
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private checkB3(headers: IncomingHttpHeaders): void {
    this.b3Checked += 1;
    const traceId = headers['x-b3-traceid'];
    if (traceId === undefined) {
      this.b3Absent += 1;
      return;
    }
    const { 'x-b3-spanid': spanId, 'x-b3-parentspanid': parentId, 'x-b3-sampled': sampled, 'x-b3-flags': flags } = headers;
    const decision = flags === '1' && sampled === undefined ? 'flags' : sampled;
    const valid =
      typeof traceId === 'string' && TRACE_ID.test(traceId) && typeof spanId === 'string' && HEX16.test(spanId) && typeof parentId === 'string' && HEX16.test(parentId) && spanId !== parentId && (decision === '0' || decision === '1' || decision === 'flags');
    if (valid) {
      this.b3Valid += 1;
      this.b3SampledValues[decision] = (this.b3SampledValues[decision] ?? 0) + 1;
    } else {
      this.firstInvalid ??= JSON.stringify({ traceId, spanId, parentId, sampled, flags });
    }
  }
}
