import { JsonWriter } from './json-writing';

/** What one JsonWriter call wrote, as bytes. */
function written(write: (writer: JsonWriter) => void): Buffer {
  const writer = new JsonWriter();
  writer.reset();
  write(writer);
  return writer.finish();
}

describe(JsonWriter.name, () => {
  describe('string', () => {
    it.each<[string, string]>([
      ['an empty string', ''],
      ['plain ASCII', 'get /api/orders/{id}'],
      ['quotes and backslashes', 'say "hi" \\o/'],
      ['control characters', '\n\t\r\b\f\u0000\u0001\u001f'],
      ['DEL, left as it is', '\u007f'],
      ['HTML-looking text, left as it is', '</script>'],
      ['non-ASCII as UTF-8', 'ünïcødé'],
      ['a surrogate pair as UTF-8', '😀'],
      ['lone surrogates, escaped', 'a\ud800b\udc00'],
      ['a string longer than the scratch buffer', `${'x'.repeat(5000)}é"`],
    ])('should write %s as JSON.stringify does', (_case, value) => {
      expect(written((w) => w.string(value))).toEqual(Buffer.from(JSON.stringify(value), 'utf8'));
    });
  });

  describe('joinedString', () => {
    it.each<[string, string, string]>([
      ['two halves of a trace id', '5af7183fb1d4cf5f', '6b221d5bc9e6496c'],
      ['halves that need escaping', 'a"', '\\b'],
      ['a surrogate pair split between the halves', 'x\ud83d', '\ude00y'],
    ])('should write %s as the string of both', (_case, head, tail) => {
      expect(written((w) => w.joinedString(head, tail))).toEqual(Buffer.from(JSON.stringify(head + tail), 'utf8'));
    });
  });

  describe('number', () => {
    it.each<[number]>([
      [0], [7], [10], [1431], [1556604172355737], [Number.MAX_SAFE_INTEGER], [2 ** 53], [-1], [1.5], [1e21], [NaN], [Infinity],
    ])('should write %p as a template literal does', (value) => {
      expect(written((w) => w.number(value)).toString('latin1')).toBe(`${value}`);
    });
  });

  describe('raw', () => {
    it('should write ASCII as it is and anything else as UTF-8', () => {
      expect(written((w) => w.raw(',"kind":"é"')).toString('utf8')).toBe(',"kind":"é"');
    });
  });

  describe('copy and bytes', () => {
    it('should hand back bytes written since a position, to be written again', () => {
      const writer = new JsonWriter();
      writer.reset();
      writer.raw('[');
      const start = writer.position;
      writer.string('a');
      const piece = writer.copy(start);
      writer.raw(',');
      writer.bytes(piece);
      writer.raw(']');

      expect(writer.finish().toString('utf8')).toBe('["a","a"]');
    });
  });

  describe('reset', () => {
    it('should start the next span at the beginning', () => {
      const writer = new JsonWriter();
      writer.reset();
      writer.string('first');
      writer.reset();
      writer.string('second');

      expect(writer.finish().toString('utf8')).toBe('"second"');
    });
  });
});
