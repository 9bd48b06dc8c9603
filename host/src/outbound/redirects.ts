/** The most redirects a request may opt into; `followRedirects: true` means {@link DEFAULT_REDIRECTS}. */
export const MAX_REDIRECTS = 5;
export const DEFAULT_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that may follow a redirect to another origin; credentials and anything custom stay behind. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'user-agent', 'content-type']);

export interface Hop {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** How many redirects a request allows: 0 unless it opted in. */
export function redirectBudget(followRedirects: boolean | number | undefined): number {
  if (followRedirects === true) return DEFAULT_REDIRECTS;
  if (typeof followRedirects === 'number' && Number.isInteger(followRedirects) && followRedirects > 0) return Math.min(followRedirects, MAX_REDIRECTS);
  return 0;
}

/**
 * The request to send after a redirect, as browsers and curl do it: 303 (and 301/302 after a
 * POST) become a GET without a body; 307/308 repeat the method and body. When the origin
 * changes, only harmless headers go along, so a credential meant for one host never reaches
 * another.
 */
export function nextHop(previous: Hop, status: number, location: URL): Hop {
  const method = previous.method.toUpperCase();
  const toGet = (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  const sameOrigin = location.origin === previous.url.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(previous.headers)) {
    const lower = name.toLowerCase();
    if (toGet && (lower === 'content-type' || lower === 'content-length')) continue;
    if (!sameOrigin && !CROSS_ORIGIN_HEADERS.has(lower)) continue;
    headers[name] = value;
  }
  return { method: toGet ? 'GET' : previous.method, url: location, headers, body: toGet ? undefined : previous.body };
}
