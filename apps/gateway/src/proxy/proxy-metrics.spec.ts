import { statusClass } from './proxy-metrics';

describe(statusClass.name, () => {
  it.each<[number, string]>([
    [100, '1xx'],
    [101, '1xx'],
    [200, '2xx'],
    [204, '2xx'],
    [299, '2xx'],
    [301, '3xx'],
    [404, '4xx'],
    [413, '4xx'],
    [499, '4xx'],
    [500, '5xx'],
    [502, '5xx'],
    [504, '5xx'],
    [599, '5xx'],
    [0, 'aborted'],
    [99, 'aborted'],
    [600, 'aborted'],
    [-1, 'aborted'],
    [Number.NaN, 'aborted'],
  ])('should put status %d in %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });
});
