import { KeygateError, type HttpClient, type HttpRequest, type HttpResponse } from '@keygate/core';

export interface OutboundOptions {
  allowLoopback: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The outbound HTTP client handed to plugins: total timeout, response size limit, no redirects,
 * and https-only unless loopback is explicitly allowed (local development and tests).
 */
export function createHttpClient(options: OutboundOptions): HttpClient {
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        throw new KeygateError('INVALID_CONFIGURATION', 'outbound URL is not a valid URL');
      }
      const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\./.test(url.hostname);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && options.allowLoopback)) {
        throw new KeygateError('INVALID_CONFIGURATION', `outbound URL must use https (got ${url.protocol}//${url.host})`);
      }
      if (loopback && !options.allowLoopback) throw new KeygateError('INVALID_CONFIGURATION', `outbound calls to loopback addresses are not allowed (${url.host})`);
      const timeoutMs = request.timeoutMs ?? options.timeoutMs;
      let response: Response;
      try {
        response = await fetch(url, {
          method: request.method,
          headers: request.headers ?? {},
          body: request.body ?? null,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') throw new KeygateError('TIMEOUT', `${url.host} did not answer within ${timeoutMs} ms`);
        throw new KeygateError('PROVIDER_UNAVAILABLE', `could not reach ${url.host}`);
      }
      const body = await readLimited(response, options.maxResponseBytes, url.host);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        status: response.status,
        headers,
        body,
        text: () => body.toString('utf8'),
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      };
    },
  };
}

async function readLimited(response: Response, limit: number, host: string): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new KeygateError('PROVIDER_REJECTED', `response from ${host} is larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
