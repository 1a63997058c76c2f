import { RateLimitedLog } from './rate-limited-log';
import { CapturingLogger } from './testing/capturing-logger';

describe(RateLimitedLog.name, () => {
  let logger: CapturingLogger;
  let now: number;
  let sut: RateLimitedLog;

  beforeEach(() => {
    logger = new CapturingLogger();
    now = 1_000_000;
    sut = new RateLimitedLog(logger, 10_000, () => now);
  });

  describe('warn', () => {
    it('should write one line per key per interval and count the suppressed ones on the next line', () => {
      sut.warn('queue_full', 'queue full');
      sut.warn('queue_full', 'queue full');
      sut.warn('queue_full', 'queue full');
      now += 9_999;
      sut.warn('queue_full', 'queue full');
      now += 1;
      sut.warn('queue_full', 'queue full');
      now += 10_000;
      sut.warn('queue_full', 'queue full');
      expect(logger.lines).toEqual(['warn: queue full', 'warn: queue full (3 similar lines suppressed)', 'warn: queue full']);
    });

    it('should limit each key on its own', () => {
      sut.warn('queue_full', 'queue full');
      sut.warn('too_large', 'too large');
      sut.warn('queue_full', 'queue full');
      expect(logger.lines).toEqual(['warn: queue full', 'warn: too large']);
    });

    it('should swallow a logger that throws', () => {
      const broken = new RateLimitedLog({ warn: () => { throw new Error('broken'); }, error: () => undefined }, 10_000, () => now);
      expect(() => broken.warn('k', 'm')).not.toThrow();
    });
  });

  describe('error', () => {
    it('should write at error level, rate-limited the same way', () => {
      sut.error('rejected:400', 'rejected');
      sut.error('rejected:400', 'rejected');
      now += 10_000;
      sut.error('rejected:400', 'rejected');
      expect(logger.lines).toEqual(['error: rejected', 'error: rejected (1 similar line suppressed)']);
    });
  });
});
