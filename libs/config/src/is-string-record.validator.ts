import { ValidateBy, type ValidationOptions } from 'class-validator';

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A validator of an object whose every entry passes `isEntry`; `message` is its error text. */
export function IsRecordOf(name: string, isEntry: (key: string, value: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown): boolean => typeof value === 'object' && value !== null && Object.entries(value).every(([key, entry]) => isEntry(key, entry)),
        defaultMessage: () => message,
      },
    },
    options,
  );
}

/** A map of HTTP header names to header values (no CR/LF: they would split the request). */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return IsRecordOf('isStringRecord', (key, value) => HEADER_NAME.test(key) && typeof value === 'string' && HEADER_VALUE.test(value), 'must map header names to header values', options);
}
