import { parseTracestate } from './tracestate';

const KEY_256 = `z${'a'.repeat(255)}`;
/** Every character a Level 2 key may hold, then every one a value may hold (from the W3C test suite). */
const ALL_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/@';
const ALL_VALUE_CHARS = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => c !== ',' && c !== '=').join('');
const members = (count: number): string => Array.from({ length: count }, (_, i) => `k${i}=v`).join(',');

describe(parseTracestate.name, () => {
  it.each<[string, string, string]>([
    ['one member', 'congo=t61rcWkgMzE', 'congo=t61rcWkgMzE'],
    ['two members with spaces around the comma', 'rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['spaces and tabs around members', ' \tfoo=1 \t , \t bar=2,\t \tbaz=3\t', 'foo=1,bar=2,baz=3'],
    ['a tenant@system key', 'tenant@vendor=x', 'tenant@vendor=x'],
    ['a key starting with a digit', '1vendor=x', '1vendor=x'],
    ['a key ending with @ (Level 2)', 'foo@=1,bar=2', 'foo@=1,bar=2'],
    ['a key with two @ in a row (Level 2)', 'foo@@bar=1', 'foo@@bar=1'],
    ['a key with two @ apart (Level 2)', 'foo@bar@baz=1', 'foo@bar@baz=1'],
    ['a tenant longer than 241 characters (Level 2)', `${'t'.repeat(242)}@v=1`, `${'t'.repeat(242)}@v=1`],
    ['a system longer than 14 characters (Level 2)', `t@${'v'.repeat(15)}=1`, `t@${'v'.repeat(15)}=1`],
    ['a system starting with a digit (Level 2)', 't@1v=1', 't@1v=1'],
    ['a key of 256 characters', `foo=1,${KEY_256}=1`, `foo=1,${KEY_256}=1`],
    ['every character a key and a value may hold', `${ALL_KEY_CHARS}=${ALL_VALUE_CHARS}`, `${ALL_KEY_CHARS}=${ALL_VALUE_CHARS}`],
    ['a value of 256 characters', `k=${'v'.repeat(256)}`, `k=${'v'.repeat(256)}`],
    ['a value with leading spaces (they are part of it)', 'foo=  1', 'foo=  1'],
    ['a value with inner spaces', 'foo=a b', 'foo=a b'],
    ['trailing spaces after a value (optional whitespace, dropped)', 'foo=1   ', 'foo=1'],
    ['empty members, dropped', ',foo=1,,bar=2,', 'foo=1,bar=2'],
    ['whitespace-only members, dropped', 'foo=1, ,\t, \t ,bar=2', 'foo=1,bar=2'],
    ['32 members', members(32), members(32)],
    ['32 members and empty ones (not counted)', `,${members(32)},, ,`, members(32)],
    ['32 members from repeated headers joined by Node', `${members(16)}, ${Array.from({ length: 16 }, (_, i) => `j${i}=v`).join(',')}`, `${members(16)},${Array.from({ length: 16 }, (_, i) => `j${i}=v`).join(',')}`],
    ['a duplicated key, forwarded as received', 'foo=1,foo=2', 'foo=1,foo=2'],
    ['512 characters', `k=${'v'.repeat(253)},${'z'.repeat(254)}=v`, `k=${'v'.repeat(253)},${'z'.repeat(254)}=v`],
  ])('should keep %s', (_case, value, expected) => {
    expect(parseTracestate(value)).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ['absent', undefined],
    ['empty', ''],
    ['whitespace only', ' \t '],
    ['commas only', ', ,,'],
    ['no equals sign', 'congo'],
    ['an empty key', '=1'],
    ['an empty value', 'foo=,bar=3'],
    ['a value of spaces only', 'foo=   '],
    ['a value with an equals sign', 'foo=bar=baz'],
    ['an upper-case key', 'FOO=1'],
    ['a key with an upper-case letter inside', 'fOo=1'],
    ['a key with a dot', 'foo.bar=1'],
    ['a key with a space before the equals sign', 'foo =1'],
    ['a key starting with @', '@foo=1,bar=2'],
    ['a key starting with an underscore', '_foo=1'],
    ['a key of 257 characters', `foo=1,${KEY_256}a=1`],
    ['a value of 257 characters', `k=${'v'.repeat(257)}`],
    ['a value with a tab inside', 'foo=a\tb'],
    ['a value with a control character', 'foo=a\x01b'],
    ['a value with DEL', 'foo=a\x7fb'],
    ['a value with a non-ASCII character', 'foo=café'],
    ['whitespace other than space and tab around a member', '\vfoo=1'],
    ['33 members', members(33)],
    ['33 members over repeated headers joined by Node', `${members(16)}, ${Array.from({ length: 17 }, (_, i) => `j${i}=v`).join(',')}`],
    ['one bad member among good ones (the whole header is dropped)', 'rojo=00f067aa0ba902b7,Congo=t61rcWkgMzE,foo=1'],
    ['more than 512 characters', `k=${'v'.repeat(253)},${'z'.repeat(254)}=vv`],
    ['more than 512 characters of whitespace around one member', `foo=1${' '.repeat(512)}`],
  ])('should drop the whole tracestate when it is %s', (_case, value) => {
    expect(parseTracestate(value)).toBeUndefined();
  });
});
