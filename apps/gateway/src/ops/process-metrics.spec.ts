import { maxOpenFiles } from './process-metrics';

const LIMITS = (value: string): string => `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            ${value}                 1048576              files
Max locked memory         8388608              8388608              bytes
`;

describe(maxOpenFiles.name, () => {
  it.each<[string, string, number | undefined]>([
    ['a number', LIMITS('1024'), 1024],
    ['unlimited', LIMITS('unlimited'), undefined],
    ['no such line', 'Limit Soft Hard\n', undefined],
  ])('should read %s', (_case, limits, expected) => {
    expect(maxOpenFiles(limits)).toBe(expected);
  });
});
