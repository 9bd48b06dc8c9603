import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { isKeygateError, type HttpClient, type HttpRequest, type HttpResponse, type Logger } from '@keygate/core';
import { createAddressPolicy, type AddressPolicy } from './address-policy.js';
import { parseIp } from './ip-address.js';
import { createPolicyLookup, systemResolver, type Resolver } from './policy-lookup.js';
import { isRedirect, nextHop, redirectBudget, type Hop } from './redirects.js';
import { describeNetworkError, invalidRequest, invalidResponse, policyRefused, schemeRefused, timedOut, tooLarge, tooManyRedirects, unreachable } from './errors.js';

export interface OutboundOptions {
  /** Loopback addresses, and plain http:// to them, are reachable. */
  allowLoopback: boolean;
  /** Private addresses (RFC 1918, CGNAT, ULA) are reachable. */
  allowPrivate: boolean;
  /** Private networks reachable even without `allowPrivate` (CIDRs or single addresses). */
  allowedNetworks?: readonly string[];
  /** Time for name resolution and the TCP connection of a new socket. */
  connectTimeoutMs: number;
  /** Time for a whole call: connection, request, response headers and body, redirects. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** Turns host names into addresses; the system resolver unless given (tests simulate DNS here). */
  resolver?: Resolver;
  /** Extra trusted certificate authorities (PEM) for https, e.g. an in-house CA. */
  ca?: string | readonly string[];
  /** Sockets per origin at most; further requests wait for a free one. */
  maxSocketsPerHost?: number;
  /** Receives a warning for every call the address policy refuses (a sign of a bad URL, or of an attempt to reach internal services). */
  logger?: Logger;
}

/** The client plus what only its owner (the host) may do with it. */
export interface OutboundHttpClient extends HttpClient {
  /** Closes pooled connections; requests after this still work but open new ones. */
  close(): void;
}

/** How long a pooled socket may stay idle. */
const IDLE_SOCKET_MS = 30_000;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The request never reached the server: a pooled socket had been closed by the other side. */
class StaleSocket extends Error {}

/**
 * The one outbound HTTP client handed to plugins. Keep-alive pooled sockets per origin; every new
 * socket's address is checked by the address policy inside the socket's own `lookup`, so what is
 * checked is what is connected to; IP-literal hosts (which Node connects to without a lookup) are
 * checked before the request. https only, except to loopback when `allowLoopback` is on.
 */
export function createHttpClient(options: OutboundOptions): OutboundHttpClient {
  const policy = createAddressPolicy(options);
  const resolver = options.resolver ?? systemResolver;
  // `timeout` is what closes idle pooled sockets; Node lowers it to a server's `Keep-Alive: timeout`
  // hint minus a second, so the client lets go before the server does (fewer stale sockets).
  const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, maxSockets: options.maxSocketsPerHost ?? 128, maxFreeSockets: 32, scheduling: 'lifo' as const };
  // Plain http exists only for loopback targets, so its agent refuses any other address.
  const httpAgent = new http.Agent({ ...agentOptions, lookup: createPolicyLookup(resolver, policy, { requireLoopback: true }) });
  const httpsAgent = new https.Agent({
    ...agentOptions,
    lookup: createPolicyLookup(resolver, policy, { requireLoopback: false }),
    ...(options.ca === undefined ? {} : { ca: typeof options.ca === 'string' ? options.ca : [...options.ca] }),
  });
  const agents = { http: httpAgent, https: httpsAgent };

  const request = async (call: HttpRequest): Promise<HttpResponse> => {
    try {
      return await perform(call);
    } catch (error) {
      if (isKeygateError(error) && error.extensions?.outbound === 'policy') {
        options.logger?.warn('outbound call refused', { reason: error.message, rule: error.extensions.rule ?? '' });
      }
      throw error;
    }
  };

  const perform = async (request: HttpRequest): Promise<HttpResponse> => {
    const timeoutMs = request.timeoutMs ?? options.timeoutMs;
    const limit = Math.min(request.maxResponseBytes ?? options.maxResponseBytes, options.maxResponseBytes);
    const deadline = Date.now() + timeoutMs;
    let hop = firstHop(request);
    const budget = redirectBudget(request.followRedirects);
    let redirectsLeft = budget;
    for (;;) {
      checkTarget(hop.url, policy, options.allowLoopback);
      const response = await sendWithStaleRetry(hop, agents, { deadline, timeoutMs, connectTimeoutMs: options.connectTimeoutMs, limit });
      const location = response.headers.location;
      if (budget === 0 || !isRedirect(response.status) || location === undefined) return toHttpResponse(response);
      if (redirectsLeft === 0) throw tooManyRedirects(hop.url.host, budget);
      redirectsLeft -= 1;
      let next: URL;
      try {
        next = new URL(location, hop.url);
      } catch {
        throw invalidResponse(hop.url.host, 'the redirect Location is not a valid URL');
      }
      next.username = '';
      next.password = '';
      hop = nextHop(hop, response.status, next);
    }
  };

  return {
    request,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function firstHop(request: HttpRequest): Hop {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw invalidRequest('outbound URL is not a valid absolute URL');
  }
  const headers = { ...(request.headers ?? {}) };
  // Credentials in the URL become a header, so they follow the same-origin rule on redirects and
  // never appear in a logged URL.
  if (url.username !== '' || url.password !== '') {
    const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
    if (!hasAuthorization) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    }
    url.username = '';
    url.password = '';
  }
  return { method: request.method.toUpperCase(), url, headers, body: request.body };
}

/** The checks that need no network: scheme, and the address itself when the host is an IP literal. */
function checkTarget(url: URL, policy: AddressPolicy, allowLoopback: boolean): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw schemeRefused(url.host, `only https URLs are allowed (got ${url.protocol})`);
  const plain = url.protocol === 'http:';
  if (plain && !allowLoopback) throw schemeRefused(url.host, 'outbound URLs must use https (plain http is only allowed to loopback addresses, with outbound.allowLoopback)');
  if (parseIp(url.hostname)) {
    const refusal = policy.check(url.hostname, { requireLoopback: plain });
    if (refusal) throw policyRefused(url.host, refusal.rule, `it is ${refusal.reason}`);
  }
}

interface Limits {
  deadline: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  limit: number;
}

/** Stale pooled sockets tried at most before giving up (each failed one leaves the pool). */
const STALE_RETRIES = 4;

async function sendWithStaleRetry(hop: Hop, agents: { http: http.Agent; https: https.Agent }, limits: Limits): Promise<RawResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(hop, agents, limits);
    } catch (error) {
      if (!(error instanceof StaleSocket)) throw error;
      // A pooled connection the server had already closed: the request got no response. An
      // idempotent one is sent again (after a server restart, several pooled sockets may be dead);
      // anything else may have been acted on, so it fails.
      if (!IDEMPOTENT.has(hop.method) || attempt >= STALE_RETRIES) throw unreachable(hop.url.host, 'connection reset before a response', error.cause);
    }
  }
}

function send(hop: Hop, agents: { http: http.Agent; https: https.Agent }, limits: Limits): Promise<RawResponse> {
  const { url } = hop;
  const host = url.host;
  const plain = url.protocol === 'http:';
  const remaining = limits.deadline - Date.now();
  if (remaining <= 0) return Promise.reject(timedOut(host, 'total', limits.timeoutMs));
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    let request: http.ClientRequest;
    let connectTimer: NodeJS.Timeout | undefined;
    const totalTimer = setTimeout(() => fail(timedOut(host, 'total', limits.timeoutMs)), remaining);
    const finish = () => {
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(connectTimer);
    };
    const fail = (error: Error) => {
      if (settled) return;
      finish();
      // Destroying the request destroys its socket: a half-read connection never goes back to the pool.
      request.destroy();
      reject(error);
    };

    const headers: Record<string, string | number> = { ...hop.headers };
    if (hop.body !== undefined) headers['content-length'] = Buffer.byteLength(hop.body);
    try {
      request = (plain ? http : https).request({
        agent: plain ? agents.http : agents.https,
        method: hop.method,
        host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port === '' ? (plain ? 80 : 443) : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers,
      });
    } catch (error) {
      clearTimeout(totalTimer);
      reject(invalidRequest(`outbound request to ${host} is invalid: ${headerProblem(error)}`));
      return;
    }
    let responded = false;

    request.on('socket', (socket: Socket) => {
      // A pooled socket is already connected; a new one gets the connect timeout, which covers
      // name resolution too (the lookup runs while the socket is connecting).
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => fail(timedOut(host, 'connect', limits.connectTimeoutMs)), limits.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });

    request.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (isKeygateError(error)) return fail(error);
      const code = error.code ?? '';
      if (request.reusedSocket && !responded && (code === 'ECONNRESET' || code === 'EPIPE')) return fail(new StaleSocket('stale pooled socket', { cause: error }));
      if (code.startsWith('HPE_')) return fail(invalidResponse(host, 'the response is not valid HTTP/1.1'));
      if (code === 'ECONNRESET' && !responded) return fail(unreachable(host, 'the connection closed without a response', error));
      fail(unreachable(host, describeNetworkError(error), error));
    });

    request.on('response', (response) => {
      responded = true;
      const declared = response.headers['content-length'];
      if (declared !== undefined && Number(declared) > limits.limit) return fail(tooLarge(host, limits.limit));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.limit) return fail(tooLarge(host, limits.limit));
        chunks.push(chunk);
      });
      response.on('error', () => fail(unreachable(host, 'the connection closed before the response was complete')));
      response.on('close', () => {
        if (!response.complete) fail(unreachable(host, 'the connection closed before the response was complete'));
      });
      response.on('end', () => {
        if (settled) return;
        finish();
        resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), body: Buffer.concat(chunks, size) });
      });
    });

    request.end(hop.body);
  });
}

function headerProblem(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') return 'a header name or value has invalid characters';
  if (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE') return 'the method or a header is not valid';
  return 'the method, path or a header is not valid';
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function toHttpResponse(response: RawResponse): HttpResponse {
  const { body } = response;
  return {
    status: response.status,
    headers: response.headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}
