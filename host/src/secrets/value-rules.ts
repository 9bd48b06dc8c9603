import { KeygateError, InvalidInputError } from '@keygate/core';

export type SecretType = 'string' | 'json' | 'binary';

/** Checks a value against its declared type and the size limit; messages never quote the value. */
export function checkValue(value: string, type: SecretType, maxBytes: number): void {
  const size = Buffer.byteLength(value, 'utf8');
  if (size > maxBytes) throw new KeygateError('PAYLOAD_TOO_LARGE', `value is ${size} bytes; the limit is ${maxBytes} bytes`);
  if (type === 'json') {
    try {
      JSON.parse(value);
    } catch {
      throw new InvalidInputError('value: type is json but the value does not parse as JSON');
    }
  }
  if (type === 'binary' && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) {
    throw new InvalidInputError('value: type is binary but the value is not base64');
  }
}
