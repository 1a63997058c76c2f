import { backoffDelayMs, classifyResponse, decideAfterSend, type SendDecision } from './retry-policy';
import type { SendResult } from './send-result';

describe('retry-policy', () => {
  describe(backoffDelayMs.name, () => {
    it.each([
      // retry, initial, max, random, expected
      [1, 100, 10_000, 0.5, 50],
      [2, 100, 10_000, 0.5, 100],
      [3, 100, 10_000, 0.5, 200],
      [3, 100, 10_000, 0.999, 399],
      [1, 100, 10_000, 0, 0],
      [8, 100, 10_000, 0.5, 5000],
      [9, 100, 10_000, 0.5, 5000],
      [2000, 100, 10_000, 0.5, 5000],
      [0, 100, 10_000, 0.5, 50],
    ])('should wait retry %i (initial %i, max %i, random %d) %i ms', (retry, initial, max, random, expected) => {
      expect(backoffDelayMs(retry, initial, max, () => random)).toBe(expected);
    });

    it('should stay below the capped exponential ceiling for any random draw', () => {
      for (let retry = 1; retry <= 12; retry += 1) {
        const ceiling = Math.min(1000, 10 * 2 ** (retry - 1));
        expect(backoffDelayMs(retry, 10, 1000, () => 0.999_999)).toBeLessThan(ceiling);
      }
    });
  });

  describe(decideAfterSend.name, () => {
    const ok: SendResult = { kind: 'ok' };
    const retryable: SendResult = { kind: 'retryable', reason: 'ECONNRESET' };
    const permanent: SendResult = { kind: 'permanent', status: 400, reason: 'HTTP 400' };
    it.each<[string, SendResult, number, number, SendDecision]>([
      ['ok on the first attempt', ok, 1, 5, { kind: 'delivered' }],
      ['ok on the last attempt', ok, 5, 5, { kind: 'delivered' }],
      ['retryable with attempts left', retryable, 1, 5, { kind: 'retry' }],
      ['retryable on the last attempt', retryable, 5, 5, { kind: 'give_up', cause: 'send_failed' }],
      ['retryable with a single attempt allowed', retryable, 1, 1, { kind: 'give_up', cause: 'send_failed' }],
      ['permanent with attempts left', permanent, 1, 5, { kind: 'give_up', cause: 'rejected' }],
    ])('should decide %s', (_case, result, attempt, maxAttempts, expected) => {
      expect(decideAfterSend(result, attempt, maxAttempts)).toEqual(expected);
    });
  });

  describe(classifyResponse.name, () => {
    it.each<[number, string, SendResult]>([
      [202, '', { kind: 'ok' }],
      [200, 'ignored', { kind: 'ok' }],
      [204, '', { kind: 'ok' }],
      [429, 'slow down', { kind: 'retryable', reason: 'HTTP 429: slow down' }],
      [500, '', { kind: 'retryable', reason: 'HTTP 500' }],
      [503, 'Service Unavailable', { kind: 'retryable', reason: 'HTTP 503: Service Unavailable' }],
      [400, 'Expected a JSON_V1 encoded list, but received: JSON_V2\n', { kind: 'permanent', status: 400, reason: 'HTTP 400: Expected a JSON_V1 encoded list, but received: JSON_V2' }],
      [401, '', { kind: 'permanent', status: 401, reason: 'HTTP 401' }],
      [404, 'not\r\nfound', { kind: 'permanent', status: 404, reason: 'HTTP 404: not found' }],
      [413, '', { kind: 'permanent', status: 413, reason: 'HTTP 413' }],
      [301, '', { kind: 'permanent', status: 301, reason: 'HTTP 301' }],
    ])('should map HTTP %i with answer %j', (status, answer, expected) => {
      expect(classifyResponse(status, answer)).toEqual(expected);
    });

    it('should keep only the first 200 characters of the answer, on one line', () => {
      const answer = `${'x'.repeat(150)}\n\u001b[31m${'y'.repeat(150)}`;
      expect(classifyResponse(400, answer)).toEqual({
        kind: 'permanent',
        status: 400,
        reason: `HTTP 400: ${'x'.repeat(150)} [31m${'y'.repeat(45)}…`,
      });
    });
  });
});
