import type { Middleware } from 'openapi-fetch';
import { parseApiKey, sha256Hex, signRequest, signingTimestamp, SIGNATURE_SKEW_SECONDS, SIGNING_HEADERS, type ParsedApiKey } from '@keygate/core/wire';

/**
 * Parses a `bax-{keyId}-{secret}` key or throws. The message describes the expected shape and never
 * repeats the value: a mistyped key is still a credential.
 */
export function requireApiKey(apiKey: string): ParsedApiKey {
  const parsed = typeof apiKey === 'string' ? parseApiKey(apiKey) : undefined;
  if (!parsed) {
    throw new TypeError('apiKey must have the form bax-{keyId}-{secret}: 32 then 64 lowercase hex characters');
  }
  return parsed;
}

/** `Authorization: Bearer bax-…`: simplest, but the whole key travels with every request. */
export function bearerAuthMiddleware(apiKey: string): Middleware {
  requireApiKey(apiKey);
  const value = `Bearer ${apiKey}`;
  return {
    onRequest({ request }) {
      request.headers.set('Authorization', value);
      return request;
    },
  };
}

/**
 * HMAC request signing (DESIGN §5): only the key id travels; the signature binds method, path,
 * query, time and body, so a captured request is useless after the ±300 s window and cannot be
 * altered.
 *
 * It must see the request exactly as it will go on the wire, so it signs what openapi-fetch built:
 * the final URL (including any path prefix of `baseUrl`, which the server receives too) and the
 * body bytes. Middleware added later with `client.use()` runs after this one and must not change
 * the method, URL or body.
 */
export function signedRequestMiddleware(apiKey: string, now: () => Date = () => new Date()): Middleware {
  // `now` exists for callers that must correct a known clock offset, and for tests.
  const { keyId, secret } = requireApiKey(apiKey);
  const seconds = new UniqueSigningSeconds();
  return {
    async onRequest({ request }) {
      // Read a clone, then send those very bytes: the digest must cover what the server reads,
      // and re-attaching them keeps a known Content-Length instead of a tee'd stream.
      const body = request.body === null ? null : new Uint8Array(await request.clone().arrayBuffer());
      const url = new URL(request.url);
      const timestamp = signingTimestamp(seconds.next(`${request.method}\n${url.pathname}\n${url.search}\n${sha256Hex(body ?? '')}`, now()));
      const signature = signRequest(secret, {
        method: request.method,
        path: url.pathname,
        query: url.search.slice(1),
        timestamp,
        body: body ?? new Uint8Array(0),
      });
      const headers = new Headers(request.headers);
      headers.set(SIGNING_HEADERS.keyId, keyId);
      headers.set(SIGNING_HEADERS.timestamp, timestamp);
      headers.set(SIGNING_HEADERS.signature, signature);
      return body === null ? new Request(request, { headers }) : new Request(request, { headers, body });
    },
  };
}

/**
 * The server refuses a signature it has already seen (replay protection), and a signature only
 * changes with the request or the second. So when this client sends the same request twice in one
 * second, the second copy is signed for the next free second instead (still well inside the
 * server's ±300 s window).
 */
class UniqueSigningSeconds {
  readonly #last = new Map<string, number>();

  next(request: string, now: Date): Date {
    const current = Math.floor(now.getTime() / 1000);
    const previous = this.#last.get(request);
    const second = previous !== undefined && previous >= current && previous + 1 - current < SIGNATURE_SKEW_SECONDS / 2 ? previous + 1 : current;
    if (this.#last.size > 10_000) {
      for (const [key, used] of this.#last) if (used < current - SIGNATURE_SKEW_SECONDS) this.#last.delete(key);
      if (this.#last.size > 10_000) this.#last.clear();
    }
    this.#last.set(request, second);
    return new Date(second * 1000);
  }
}
