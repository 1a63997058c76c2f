/**
 * Routes bring a handful of ratios; the bound keeps a caller that computes ratios (say, per request) from
 * growing a cache without end: past it, values are built per call, still correct.
 */
const MAX_CACHED_RATIOS = 256;

/**
 * `build` made once per ratio value, so the request path reuses what it made before instead of allocating.
 * What `build` returns must not depend on anything but the ratio.
 */
export function memoizeByRatio<T>(build: (ratio: number) => T, maxRatios = MAX_CACHED_RATIOS): (ratio: number) => T {
  const built = new Map<number, T>();
  return (ratio) => {
    let value = built.get(ratio);
    if (value === undefined) {
      value = build(ratio);
      if (built.size < maxRatios) built.set(ratio, value);
    }
    return value;
  };
}
