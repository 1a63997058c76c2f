import { SpanQueue } from './span-queue';

/** An encoded span of `n` bytes, filled with `tag` so order is visible. */
const bytes = (n: number, tag = 'a'): Buffer => Buffer.alloc(n, tag);
/** JSON-style framing: one comma per span. */
const sizeInMessage = (n: number): number => n + 1;

describe(SpanQueue.name, () => {
  let sut: SpanQueue;

  beforeEach(() => {
    sut = new SpanQueue({ maxSpans: 3, maxBytes: 100 }, sizeInMessage);
  });

  describe('offer', () => {
    it('should accept spans within both bounds and account for them', () => {
      expect([sut.offer(bytes(10)), sut.offer(bytes(20))]).toEqual([true, true]);
      expect({ spans: sut.spans, bytes: sut.bytes, messageBytes: sut.messageBytes, enqueued: sut.enqueued, dequeued: sut.dequeued }).toEqual({
        spans: 2,
        bytes: 30,
        messageBytes: 32,
        enqueued: 2,
        dequeued: 0,
      });
    });

    it('should refuse a span beyond the span bound', () => {
      expect([1, 2, 3, 4].map(() => sut.offer(bytes(1)))).toEqual([true, true, true, false]);
      expect(sut.spans).toBe(3);
    });

    it('should refuse a span beyond the byte bound, and still take a smaller one', () => {
      expect([sut.offer(bytes(90)), sut.offer(bytes(11)), sut.offer(bytes(10))]).toEqual([true, false, true]);
      expect(sut.bytes).toBe(100);
    });
  });

  describe('take', () => {
    it('should take the longest prefix within the span limit, in order', () => {
      ['a', 'b', 'c'].forEach((tag) => sut.offer(bytes(1, tag)));
      expect(sut.take(2, 1000).map((b) => b.toString())).toEqual(['a', 'b']);
      expect({ spans: sut.spans, bytes: sut.bytes, messageBytes: sut.messageBytes, dequeued: sut.dequeued }).toEqual({
        spans: 1,
        bytes: 1,
        messageBytes: 2,
        dequeued: 2,
      });
    });

    it('should stop before the span that would exceed the message bytes, framing included', () => {
      ['a', 'b', 'c'].forEach((tag) => sut.offer(bytes(9, tag)));
      expect(sut.take(10, 20).map((b) => b.toString()[0])).toEqual(['a', 'b']);
      expect(sut.take(10, 19).map((b) => b.toString()[0])).toEqual(['c']);
    });

    it('should take one span even when it alone exceeds the message bytes', () => {
      sut.offer(bytes(50));
      expect(sut.take(10, 20)).toHaveLength(1);
      expect(sut.bytes).toBe(0);
    });

    it('should take nothing from an empty queue', () => {
      expect(sut.take(10, 100)).toEqual([]);
    });
  });

  describe('clear', () => {
    it('should empty the queue, return what it held and keep positions consistent', () => {
      sut.offer(bytes(5));
      sut.offer(bytes(5));
      expect(sut.clear()).toBe(2);
      expect({ spans: sut.spans, bytes: sut.bytes, messageBytes: sut.messageBytes, enqueued: sut.enqueued, dequeued: sut.dequeued }).toEqual({
        spans: 0,
        bytes: 0,
        messageBytes: 0,
        enqueued: 2,
        dequeued: 2,
      });
    });
  });
});
