import type { HttpResponse } from '@keygate/core';
import { badAnswer } from './errors.js';

function header(response: HttpResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * The JSON document of a 2xx answer. A declared non-JSON content type (an HTML error page from a
 * proxy, say) or a body that does not parse is a typed error that says so without quoting the body.
 */
export function jsonBody(response: HttpResponse, doing: string): unknown {
  const type = header(response, 'content-type');
  if (type !== undefined && !/^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i.test(type.trim())) {
    const shown = type.split(';')[0]!.trim().slice(0, 80).replace(/[^\x20-\x7e]/g, '?');
    return fail(response, doing, `content type "${shown}" instead of JSON`);
  }
  if (response.body.length === 0) return fail(response, doing, 'an empty body instead of JSON');
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    return fail(response, doing, 'a body that is not valid JSON');
  }
}

function fail(response: HttpResponse, doing: string, what: string): never {
  throw badAnswer(response.status, doing, what);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
