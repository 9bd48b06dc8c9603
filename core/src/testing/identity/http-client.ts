import type { HttpClient } from '../../contracts/services.js';

/**
 * A plain `fetch` HttpClient for plugin tests against loopback servers (the host's client adds an
 * address policy that plugins must not depend on). No redirects are followed.
 */
export function createTestHttpClient(): HttpClient {
  return {
    async request(request) {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers ?? {},
        body: request.body ?? null,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs ?? 5000),
      });
      const body = Buffer.from(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, body, text: () => body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) as unknown };
    },
  };
}
