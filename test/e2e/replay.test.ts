import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey, signRequest, signingTimestamp } from '@keygate/core/wire';
import { startTestHost, type TestHost } from '../src/host.js';

const base = '/api/v1';
let h: TestHost;
let keyId: string;
let secret: string;

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  expect((await h.api('POST', `${base}/projects/app/environments`, { name: 'prod' })).status).toBe(201);
  ({ keyId, secret } = parseApiKey(h.apiKey)!);
});
afterAll(async () => {
  await h?.close();
});

interface Signed {
  method: string;
  /** Path and query as sent. */
  url: string;
  body?: string;
  timestamp?: string;
}

/** Signing headers for `what`, computed by hand from the wire contract. */
function sign(what: Signed): Record<string, string> {
  const [path, query = ''] = what.url.split('?') as [string, string?];
  const timestamp = what.timestamp ?? signingTimestamp();
  const signature = signRequest(secret, { method: what.method, path, query, timestamp, body: what.body ?? '' });
  return { 'x-bella-key-id': keyId, 'x-bella-timestamp': timestamp, 'x-bella-signature': signature };
}

async function send(request: Signed, headers: Headers | Record<string, string>): Promise<number> {
  const response = await fetch(`${h.url}${request.url}`, {
    method: request.method,
    headers: { ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...Object.fromEntries(new Headers(headers)) },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function deniedReasons(): Promise<string[]> {
  await h.host.services.audit.flush();
  const rows = await h.host.services.knex('audit_events').where({ action: 'auth.denied' }).orderBy('seq').select<Array<{ details: { reason: string } }>>('details');
  return rows.map((r) => r.details.reason);
}

describe('signed requests', () => {
  it('are accepted once; a replay of the same signature is refused and audited', async () => {
    const request = { method: 'GET', url: `${base}/projects?limit=5&offset=0` };
    const headers = sign(request);
    expect(await send(request, headers)).toBe(200);
    expect(await send(request, headers)).toBe(401);
    expect(await send(request, headers)).toBe(401);
    expect(await deniedReasons()).toContain('replayed signature');
    // A fresh signature (another second) is fine.
    const later = sign({ ...request, timestamp: signingTimestamp(new Date(Date.now() - 5000)) });
    expect(await send(request, later)).toBe(200);
    const rows = await h.host.services.knex('seen_signatures').where({ key_id: keyId }).select<Array<{ expires_at: Date }>>('expires_at');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.expires_at.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuse a replayed write (the write happens once)', async () => {
    const request = { method: 'POST', url: `${base}/projects`, body: JSON.stringify({ name: 'once' }) };
    const headers = sign(request);
    expect(await send(request, headers)).toBe(201);
    expect(await send(request, headers)).toBe(401);
  });

  it('refuse a tampered body, path or query', async () => {
    const put = { method: 'PUT', url: `${base}/projects/app/environments/prod/providers/system/secrets/K`, body: JSON.stringify({ value: 'good' }) };
    expect(await send({ ...put, body: JSON.stringify({ value: 'evil' }) }, sign(put))).toBe(401);
    expect(await send({ ...put, url: `${base}/projects/app/environments/prod/providers/system/secrets/OTHER` }, sign(put))).toBe(401);
    const list = { method: 'GET', url: `${base}/projects?limit=1` };
    expect(await send({ ...list, url: `${base}/projects?limit=2` }, sign(list))).toBe(401);
    expect(await send({ ...list, url: `${base}/projects?limit=1&offset=1` }, sign(list))).toBe(401);
    expect(await send({ ...list, method: 'DELETE' }, sign(list))).toBe(401);
    expect(await deniedReasons()).toContain('bad-signature');
    // The untampered request still goes through: a refused signature was not used up.
    expect(await send(put, sign(put))).toBe(200);
  });

  it('refuse timestamps outside the ±300 s window', async () => {
    const request = { method: 'GET', url: `${base}/projects` };
    for (const offsetMs of [-301_000, 301_000, -3_600_000]) {
      const timestamp = signingTimestamp(new Date(Date.now() + offsetMs));
      expect(await send(request, sign({ ...request, timestamp })), String(offsetMs)).toBe(401);
    }
    expect(await send(request, sign({ ...request, timestamp: signingTimestamp(new Date(Date.now() - 250_000)) }))).toBe(200);
    expect(await deniedReasons()).toContain('timestamp-out-of-window');
  });

  it('refuse duplicated signing headers', async () => {
    const request = { method: 'GET', url: `${base}/projects?offset=0` };
    for (const header of ['x-bella-key-id', 'x-bella-timestamp', 'x-bella-signature']) {
      const signed = sign(request);
      const headers = new Headers(signed);
      headers.append(header, signed[header]!);
      expect(await send(request, headers), header).toBe(401);
    }
    // Bearer and signature together are refused too.
    expect(await send(request, { ...sign(request), authorization: `Bearer ${h.apiKey}` })).toBe(401);
  });

  it('accept exactly one of many concurrent copies, and every one of many concurrent distinct signatures', async () => {
    // Concurrent checks are batched into one statement: duplicates inside a batch must still lose.
    const request = { method: 'GET', url: `${base}/projects?limit=3` };
    const headers = sign({ ...request, timestamp: signingTimestamp(new Date(Date.now() - 100_000)) });
    const copies = await Promise.all(Array.from({ length: 12 }, () => send(request, headers)));
    expect(copies.filter((status) => status === 200)).toHaveLength(1);
    expect(copies.filter((status) => status === 401)).toHaveLength(11);
    // One base time: re-reading the clock per request lets two timestamps share a whole second
    // when the loop is slow, and the same signature twice is rightly a replay.
    const signedAt = Date.now() - 200_000;
    const distinct = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(request, sign({ ...request, timestamp: signingTimestamp(new Date(signedAt - i * 1000)) }))),
    );
    expect(distinct.filter((status) => status !== 200)).toEqual([]);
  });

  it('bearer requests are not subject to replay protection', async () => {
    for (let i = 0; i < 3; i++) expect(await send({ method: 'GET', url: `${base}/projects` }, { authorization: `Bearer ${h.apiKey}` })).toBe(200);
  });
});
