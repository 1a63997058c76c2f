import { memoizeByRatio } from './memoize-by-ratio';

describe(memoizeByRatio.name, () => {
  /** Calls a memoized builder with each ratio in turn; returns what it got back and the ratios it built. */
  function callWith(ratios: readonly number[], maxRatios?: number) {
    const builds: number[] = [];
    const sut = memoizeByRatio((ratio) => {
      builds.push(ratio);
      return { ratio };
    }, maxRatios);
    const results = ratios.map((ratio) => sut(ratio));
    return { builds, results };
  }

  it.each<[string, readonly number[], number | undefined, readonly number[]]>([
    ['once per ratio', [0.5, 0.5, 0.25, 0.5, 0.25], undefined, [0.5, 0.25]],
    ['0 and -0 as one ratio (Map keys)', [0, -0, 0], undefined, [0]],
    ['NaN once', [Number.NaN, Number.NaN], undefined, [Number.NaN]],
    ['again on each call past the bound', [0.1, 0.2, 0.3, 0.3, 0.1, 0.2], 2, [0.1, 0.2, 0.3, 0.3]],
  ])('should build %s', (_case, ratios, maxRatios, expectedBuilds) => {
    expect(callWith(ratios, maxRatios).builds).toEqual(expectedBuilds);
  });

  it('should hand back the very value it built for a ratio (no allocation on a repeated ratio)', () => {
    const { results } = callWith([0.5, 0.25, 0.5]);
    expect([results[2] === results[0], results[1] === results[0]]).toEqual([true, false]);
  });

  it('should hand back a value for the ratio asked, past the bound too', () => {
    expect(callWith([0.1, 0.2, 0.3, 0.1], 1).results).toEqual([{ ratio: 0.1 }, { ratio: 0.2 }, { ratio: 0.3 }, { ratio: 0.1 }]);
  });
});
