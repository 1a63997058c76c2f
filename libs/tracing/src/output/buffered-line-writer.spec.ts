import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BufferedLineWriter } from './buffered-line-writer';

/** Records every write call as one chunk, so batching is visible. */
class ChunkCollector extends Writable {
  readonly chunks: string[] = [];

  constructor(private readonly stalled = false) {
    super({ highWaterMark: stalled ? 1 : 16 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString('utf8'));
    // A stalled reader never acknowledges, so the stream keeps needing a drain.
    if (!this.stalled) callback();
  }
}

describe(BufferedLineWriter.name, () => {
  let output: ChunkCollector;

  beforeEach(() => {
    output = new ChunkCollector();
  });

  describe('write', () => {
    it('should write nothing during the current turn and every line in one call on the next', async () => {
      const sut = new BufferedLineWriter(output);
      sut.write('{"id":"1"}');
      sut.write('{"id":"2"}');
      sut.write('{"id":"3"}');
      expect(output.chunks).toEqual([]);
      await nextTurn();
      expect(output.chunks).toEqual(['{"id":"1"}\n{"id":"2"}\n{"id":"3"}\n']);
      expect(sut.dropped).toBe(0);
    });

    it('should write one chunk per turn that had lines', async () => {
      const sut = new BufferedLineWriter(output);
      sut.write('a');
      await nextTurn();
      await nextTurn();
      sut.write('b');
      sut.write('c');
      await nextTurn();
      expect(output.chunks).toEqual(['a\n', 'b\nc\n']);
    });

    it.each<[string, number, string[], string[], number]>([
      // bound, lines, chunks written, dropped
      ['lines up to the bound (each counted with its newline)', 10, ['abcd', 'efgh'], ['abcd\nefgh\n'], 0],
      ['a line beyond the bound', 10, ['abcd', 'efgh', 'i'], ['abcd\nefgh\n'], 1],
      ['every line beyond the bound, keeping those before', 10, ['abcdefgh', 'ij', 'kl', 'mnopqrstuvwxyz'], ['abcdefgh\n'], 3],
      ['a line longer than the bound on its own', 4, ['abcdefgh', 'ab'], ['ab\n'], 1],
    ])('should keep %s (bound %i)', async (_case, bound, lines, chunks, dropped) => {
      const sut = new BufferedLineWriter(output, bound);
      for (const line of lines) sut.write(line);
      await nextTurn();
      expect({ chunks: output.chunks, dropped: sut.dropped }).toEqual({ chunks, dropped });
    });

    it('should accept lines again once a flush freed the buffer, keeping the drop count', async () => {
      const sut = new BufferedLineWriter(output, 10);
      sut.write('abcdefgh');
      sut.write('ij');
      await nextTurn();
      sut.write('klmnopqr');
      await nextTurn();
      expect({ chunks: output.chunks, dropped: sut.dropped }).toEqual({ chunks: ['abcdefgh\n', 'klmnopqr\n'], dropped: 1 });
    });

    it('should drop and count lines while the output needs a drain (a stalled reader)', async () => {
      const stalled = new ChunkCollector(true);
      const sut = new BufferedLineWriter(stalled);
      sut.write('first');
      await nextTurn();
      sut.write('second');
      sut.write('third');
      await nextTurn();
      expect({ chunks: stalled.chunks, dropped: sut.dropped, needDrain: stalled.writableNeedDrain }).toEqual({ chunks: ['first\n'], dropped: 2, needDrain: true });
    });

    // The bound is in bytes, the unit the pipe and the reader see: `€` is 1 UTF-16 unit but 3 UTF-8 bytes.
    it('should count the bound in UTF-8 bytes, not UTF-16 code units', async () => {
      const sut = new BufferedLineWriter(output, 10);
      sut.write('€€€€');
      await nextTurn();
      expect({ chunks: output.chunks, dropped: sut.dropped }).toEqual({ chunks: [], dropped: 1 });
    });
  });

  describe('flush', () => {
    it('should write the buffered lines at once and nothing more on the scheduled turn', async () => {
      const sut = new BufferedLineWriter(output);
      sut.write('a');
      sut.write('b');
      sut.flush();
      expect(output.chunks).toEqual(['a\nb\n']);
      await nextTurn();
      expect(output.chunks).toEqual(['a\nb\n']);
    });

    it('should write nothing when no line is buffered', () => {
      const sut = new BufferedLineWriter(output);
      sut.flush();
      expect(output.chunks).toEqual([]);
    });
  });

  describe('dropped', () => {
    it('should start at zero', () => {
      expect(new BufferedLineWriter(output).dropped).toBe(0);
    });
  });
});
