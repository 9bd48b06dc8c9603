import { InvalidInputError } from '@keygate/core';

/**
 * SSM refuses an empty parameter value (`Value` has a minimum length of 1), while Keygate allows
 * empty secrets. An empty value is therefore stored as this marker, and the marker is read back as
 * the empty string. Writing the marker itself through Keygate is refused, so the mapping is exact.
 */
export const EMPTY_VALUE_MARKER = '\u2205keygate:empty-value\u2205';

export function encodeValue(key: string, value: string): string {
  if (value === EMPTY_VALUE_MARKER) throw new InvalidInputError(`secret "${key}": this value is reserved by the AwsParameterStore provider to store empty values`);
  return value === '' ? EMPTY_VALUE_MARKER : value;
}

export function decodeValue(stored: string | undefined): string {
  return stored === undefined || stored === EMPTY_VALUE_MARKER ? '' : stored;
}
