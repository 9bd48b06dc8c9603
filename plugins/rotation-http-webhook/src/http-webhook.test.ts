import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeygateError, type HttpClient, type Logger } from '@keygate/core';
import { createTestPluginServices } from '@keygate/core/testing';
import { parseOutboundSignature, verifyOutboundSignature } from '@keygate/core/wire';
import plugin, { httpWebhookStrategyType } from './index.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotate`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A plain fetch-based client standing in for the host's hardened one (the plugin only sees the interface). */
const http: HttpClient = {
  async request(request) {
    const response = await fetch(request.url, { method: request.method, headers: request.headers ?? {}, body: request.body ?? null, redirect: 'manual' });
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      text: () => body.toString('utf8'),
      json: () => JSON.parse(body.toString('utf8')) as unknown,
    };
  },
};

const logged: string[] = [];
const logger: Logger = {
  debug: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`),
  info: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`),
  warn: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`),
  error: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`),
  child: () => logger,
};

let nowMs = Date.UTC(2026, 0, 1, 12, 0, 0);
const services = createTestPluginServices({ http, logger, clock: { now: () => new Date(nowMs) } });
const SECRET = 'whsec-current-0123456789abcdef';
const OLD = 'whsec-previous-0123456789abcdef';
const base = { secretKey: 'STRIPE_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', requestId: '550e8400-e29b-41d4-a716-446655440000' };

async function strategy() {
  return httpWebhookStrategyType.create(services);
}

describe('HttpWebhook rotate', () => {
  it('POSTs the exact rotate body, signed with every secret, with the API key header', async () => {
    answer = { status: 200, body: JSON.stringify({ newValue: 'sk_live_new', newHandle: 'key-abc' }) };
    received.length = 0;
    const result = await (await strategy()).rotate({ ...base, settings: { endpoint: url, signingSecrets: [SECRET, OLD], apiKeyHeader: 'X-Api-Key', apiKey: 'the-api-key' } });
    expect(result.newValue.reveal()).toBe('sk_live_new');
    expect(result.newHandle).toBe('key-abc');
    const [call] = received;
    expect(JSON.parse(call!.body)).toEqual({ action: 'rotate', ...base });
    const header = String(call!.headers['x-bella-signature']);
    expect(parseOutboundSignature(header)?.timestamp).toBe(nowMs / 1000);
    // A receiver that knows only one of the two secrets (before or after rolling) accepts it.
    expect(verifyOutboundSignature(SECRET, header, call!.body, 300, nowMs)).toBe(true);
    expect(verifyOutboundSignature(OLD, header, call!.body, 300, nowMs)).toBe(true);
    expect(verifyOutboundSignature('another-secret-0123456789', header, call!.body, 300, nowMs)).toBe(false);
    expect(call!.headers['x-api-key']).toBe('the-api-key');
    expect(logged.join('\n')).not.toMatch(/sk_live_new|the-api-key|whsec/);
  });

  it('signs each attempt with a fresh t and keeps the requestId', async () => {
    answer = { status: 200, body: JSON.stringify({ newValue: 'v' }) };
    received.length = 0;
    const s = await strategy();
    const settings = { endpoint: url, signingSecrets: [SECRET] };
    const first = await s.rotate({ ...base, settings });
    nowMs += 7_000;
    await s.rotate({ ...base, settings });
    expect(first.newHandle).toBeUndefined();
    const [a, b] = received.map((r) => parseOutboundSignature(String(r.headers['x-bella-signature']))!);
    expect(b!.timestamp - a!.timestamp).toBe(7);
    expect(a!.signatures[0]).not.toBe(b!.signatures[0]);
    expect(received.map((r) => (JSON.parse(r.body) as { requestId: string }).requestId)).toEqual([base.requestId, base.requestId]);
    expect(received[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('turns a non-2xx {error} into a typed, retryable-or-not error without values', async () => {
    const s = await strategy();
    const settings = { endpoint: url, signingSecrets: [SECRET], apiKeyHeader: 'X-Api-Key', apiKey: 'the-api-key' };
    answer = { status: 503, body: JSON.stringify({ error: 'Rate limit exceeded — try again later' }) };
    const unavailable = await s.rotate({ ...base, settings }).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(KeygateError);
    expect(unavailable).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, message: 'the rotation function answered 503: Rate limit exceeded — try again later' });
    answer = { status: 400, body: JSON.stringify({ error: 'unknown secret' }) };
    await expect(s.rotate({ ...base, settings })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    answer = { status: 429, body: '' };
    await expect(s.rotate({ ...base, settings })).rejects.toMatchObject({ code: 'RATE_LIMITED', retryable: true, message: 'the rotation function answered 429' });
    answer = { status: 401, body: '{"error":"Invalid signature"}' };
    await expect(s.rotate({ ...base, settings })).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
  });

  it('refuses malformed answers', async () => {
    const s = await strategy();
    const settings = { endpoint: url, signingSecrets: [SECRET] };
    for (const body of ['not json', '[]', '{}', '{"newValue":""}', '{"newValue":42}', '{"newValue":"x","newHandle":7}']) {
      answer = { status: 200, body };
      const error = await s.rotate({ ...base, settings }).catch((e: unknown) => e as KeygateError);
      expect(error, body).toMatchObject({ code: 'PROVIDER_REJECTED' });
      expect((error as Error).message, body).toMatch(/^the rotation function gave a malformed answer/);
    }
  });

  it('refuses settings it cannot use, naming the field', async () => {
    const s = await strategy();
    await expect(s.rotate({ ...base, settings: { endpoint: url, signingSecrets: [] } })).rejects.toMatchObject({ code: 'INVALID_INPUT', extensions: { field: 'signingSecrets' } });
    await expect(s.rotate({ ...base, settings: { endpoint: url, signingSecrets: [SECRET], apiKey: 'k' } })).rejects.toMatchObject({ extensions: { field: 'apiKeyHeader' } });
    await expect(s.rotate({ ...base, settings: { signingSecrets: [SECRET] } })).rejects.toMatchObject({ extensions: { field: 'endpoint' } });
  });
});

describe('HttpWebhook revoke', () => {
  it('POSTs the revoke body with the old handle and needs {success: true}', async () => {
    const s = await strategy();
    const settings = { endpoint: url, signingSecrets: [SECRET] };
    received.length = 0;
    answer = { status: 200, body: '{"success":true}' };
    await s.revoke!({ ...base, requestId: 'rev-1', oldHandle: 'key-abc', settings });
    expect(JSON.parse(received[0]!.body)).toEqual({ action: 'revoke', secretKey: base.secretKey, projectSlug: base.projectSlug, environmentSlug: base.environmentSlug, oldHandle: 'key-abc', requestId: 'rev-1' });
    expect(verifyOutboundSignature(SECRET, String(received[0]!.headers['x-bella-signature']), received[0]!.body, 300, nowMs)).toBe(true);
    answer = { status: 200, body: '{"success":false}' };
    await expect(s.revoke!({ ...base, requestId: 'rev-1', oldHandle: 'key-abc', settings })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED' });
  });

  it('is a manifest the host can load', () => {
    expect(plugin.provides.map((p) => `${p.kind}:${p.type}`)).toEqual(['rotation:HttpWebhook']);
  });
});
