import { isIP } from 'node:net';
import { InvalidInputError } from '@keygate/core';

export interface EndpointRules {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Checks a webhook endpoint when a policy is saved, so a bad URL is a 400 naming the field instead
 * of a failed run days later. The outbound client applies the same rules again at call time
 * (names can resolve differently later).
 */
export function checkEndpoint(raw: string, rules: EndpointRules, field = 'endpoint'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(`${field} is not a valid URL`, { field });
  }
  if (url.username !== '' || url.password !== '') throw new InvalidInputError(`${field} must not contain credentials (use apiKeyHeader/apiKey)`, { field });
  if (url.hash !== '') throw new InvalidInputError(`${field} must not have a fragment`, { field });
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = LOOPBACK_NAMES.has(host) || /^127\./.test(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && rules.allowLoopback)) {
    throw new InvalidInputError(`${field} must use https://${rules.allowLoopback ? ' (plain http:// only to a loopback address)' : ''}`, { field });
  }
  if (loopback && !rules.allowLoopback) throw new InvalidInputError(`${field} points to a loopback address, which this server does not allow (outbound.allowLoopback)`, { field });
  if (isIP(host) !== 0) {
    if (/^169\.254\./.test(host) || /^fe80:/i.test(host) || host === '0.0.0.0' || host === '::') {
      throw new InvalidInputError(`${field} points to a link-local or unspecified address`, { field });
    }
    const privateRange = /^10\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) || /^f[cd][0-9a-f]{2}:/i.test(host);
    if (privateRange && !rules.allowPrivate) throw new InvalidInputError(`${field} points to a private address, which this server does not allow (outbound.allowPrivate)`, { field });
  }
  return url.toString();
}
