export const TRACESTATE_HEADER = 'tracestate';

/**
 * One W3C Trace Context Level 2 list-member with its optional whitespace (spaces and tabs), or whitespace
 * alone (an empty member). key = (lcalpha / DIGIT) 0*255 keychar, keychar adding `_ - * / @`; value = up
 * to 256 printable ASCII characters but `,` and `=`, not ending in a space (trailing spaces are OWS).
 */
const LIST_MEMBER = /^[ \t]*(?:([a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e])[ \t]*)?$/;

/** W3C: at most 32 list-members. Empty members are not counted (as the W3C test suite counts). */
const MAX_MEMBERS = 32;

/**
 * W3C asks to propagate at least 512 characters (commas and whitespace included); we propagate that much
 * and no more, which bounds the work and the header we forward.
 */
const MAX_LENGTH = 512;

/**
 * The caller's tracestate, its members joined by `,` without whitespace or empty members, when every
 * member is well-formed; else undefined: a tracestate with anything invalid is discarded whole, so we
 * never forward part of a vendor's state. Undefined as well when there is no member at all.
 */
export function parseTracestate(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_LENGTH) return undefined;
  const members: string[] = [];
  for (const part of value.split(',')) {
    const match = LIST_MEMBER.exec(part);
    if (match === null) return undefined;
    const member = match[1];
    if (member === undefined) continue;
    if (members.length === MAX_MEMBERS) return undefined;
    members.push(member);
  }
  return members.length === 0 ? undefined : members.join(',');
}
