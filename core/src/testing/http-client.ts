import { isIP } from 'node:net';
import { KeygateError } from '../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../contracts/services.js';

export interface TestHttpClientOptions {
  /** Default total timeout per request (connect, headers and body), in ms. Default 5000. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. Default 1 MiB. */
  maxResponseBytes?: number;
}

/** Every request this client made, in order, for tests that look at what a plugin sent. */
export interface TestHttpClient extends HttpClient {
  readonly requests: readonly HttpRequest[];
}

/**
 * A small fetch-based {@link HttpClient} for plugin tests, so they need not start the host. It has
 * none of the host's address policy: instead it refuses anything but loopback addresses, which is
 * where test servers listen. Timeouts cover the whole exchange including the body; redirects are
 * not followed; failures are typed like the host's (`TIMEOUT`, `PROVIDER_UNAVAILABLE`,
 * `PROVIDER_REJECTED` for an oversized body) and never carry the request's headers or body.
 */
export function createTestHttpClient(options: TestHttpClientOptions = {}): TestHttpClient {
  const defaultTimeoutMs = options.timeoutMs ?? 5000;
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(request: HttpRequest): Promise<HttpResponse> {
      requests.push(request);
      const url = parseLoopbackUrl(request.url);
      const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
      const signal = AbortSignal.timeout(timeoutMs);
      const failed = (error: unknown): KeygateError =>
        signal.aborted
          ? new KeygateError('TIMEOUT', `${url.host} did not answer within ${timeoutMs} ms`)
          : new KeygateError('PROVIDER_UNAVAILABLE', `could not reach ${url.host} (${describe(error)})`);
      let response: Response;
      try {
        response = await fetch(url, {
          method: request.method,
          headers: request.headers ?? {},
          body: request.body ?? null,
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        throw failed(error);
      }
      let body: Buffer;
      try {
        body = await readLimited(response, maxResponseBytes, url.host);
      } catch (error) {
        if (error instanceof KeygateError) throw error;
        throw failed(error);
      }
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

function parseLoopbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeygateError('INVALID_CONFIGURATION', 'outbound URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KeygateError('INVALID_CONFIGURATION', `outbound URL must use http or https (got ${url.protocol})`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback) throw new KeygateError('INVALID_CONFIGURATION', `the test HTTP client only calls loopback addresses (got ${url.host})`);
  return url;
}

async function readLimited(response: Response, limit: number, host: string): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) {
      // Leaving the loop by throwing cancels the stream: the rest of a huge body is not read.
      throw new KeygateError('PROVIDER_REJECTED', `response from ${host} is larger than ${limit} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'network error';
}
