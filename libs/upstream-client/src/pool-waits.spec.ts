import { PoolWaits } from './pool-waits';

describe(PoolWaits.name, () => {
  describe('exhaustedForMs', () => {
    it('should read 0 while nothing waits', () => {
      const sut = new PoolWaits();
      expect(sut.exhaustedForMs(1000)).toBe(0);
      const wait = sut.start(1000);
      sut.end(wait);
      expect(sut.exhaustedForMs(5000)).toBe(0);
    });

    it('should count from the moment the first waiter arrived, across overlapping waits', () => {
      const sut = new PoolWaits();
      const first = sut.start(1000);
      const second = sut.start(1500);
      sut.end(first);
      const third = sut.start(2000);
      sut.end(second);
      expect({ count: sut.count, exhaustedForMs: sut.exhaustedForMs(4000) }).toEqual({ count: 1, exhaustedForMs: 3000 });
      sut.end(third);
      expect(sut.exhaustedForMs(4000)).toBe(0);
    });

    it('should restart the clock after a moment with no waiter', () => {
      const sut = new PoolWaits();
      sut.end(sut.start(1000));
      sut.start(3000);
      expect(sut.exhaustedForMs(3500)).toBe(500);
    });

    it('should end each wait once, however often it is ended', () => {
      const sut = new PoolWaits();
      const wait = sut.start(1000);
      sut.start(1000);
      sut.end(wait);
      sut.end(wait);
      expect(sut.count).toBe(1);
    });
  });
});
