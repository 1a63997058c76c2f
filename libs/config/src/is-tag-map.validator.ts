import type { ValidationOptions } from 'class-validator';
import { HEADER_NAME, IsRecordOf } from './is-string-record.validator';

/** Bounds of a tag key and value: what Zipkin UIs show and search comfortably. */
export const TAG_KEY_MAX_CHARS = 128;
export const TAG_VALUE_MAX_CHARS = 256;
/** Request headers that carry credentials: never copied into a tag. */
export const SECRET_REQUEST_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'proxy-authorization']);

const isTagKey = (key: string): boolean => key.length > 0 && key.length <= TAG_KEY_MAX_CHARS;

/** A map of tag names to string values within the bounds above. */
export function IsTagMap(options?: ValidationOptions): PropertyDecorator {
  return IsRecordOf(
    'isTagMap',
    (key, tag) => isTagKey(key) && typeof tag === 'string' && tag.length <= TAG_VALUE_MAX_CHARS,
    `must map tag names (1-${TAG_KEY_MAX_CHARS} characters) to strings of at most ${TAG_VALUE_MAX_CHARS} characters`,
    options,
  );
}

/** A map of request header names to tag names; credential headers are refused. */
export function IsHeaderTagMap(options?: ValidationOptions): PropertyDecorator {
  return IsRecordOf(
    'isHeaderTagMap',
    (header, tag) => HEADER_NAME.test(header) && !SECRET_REQUEST_HEADERS.has(header.toLowerCase()) && typeof tag === 'string' && isTagKey(tag),
    `must map request header names to tag names (1-${TAG_KEY_MAX_CHARS} characters); authorization, cookie and proxy-authorization are secrets and never tags`,
    options,
  );
}
