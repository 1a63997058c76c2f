import { ValidateBy, type ValidationOptions } from 'class-validator';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A map of HTTP header names to header values (no CR/LF: they would split the request). */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'object' &&
          value !== null &&
          Object.entries(value).every(([k, v]) => HEADER_NAME.test(k) && typeof v === 'string' && HEADER_VALUE.test(v)),
        defaultMessage: () => 'must map header names to header values',
      },
    },
    options,
  );
}
