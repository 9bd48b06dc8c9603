import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqualString } from '@keygate/core/wire';
import { HttpFixture, readBody, sendJson } from './http-fixture.js';

export type FixtureAuth = { bearer: string } | { basic: { username: string; password: string } } | { apiKey: { header: string; value: string } };

export function authorized(req: IncomingMessage, auth: FixtureAuth): boolean {
  if ('bearer' in auth) return timingSafeEqualString(req.headers.authorization ?? '', `Bearer ${auth.bearer}`);
  if ('basic' in auth) {
    const expected = `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`;
    return timingSafeEqualString(req.headers.authorization ?? '', expected);
  }
  const given = req.headers[auth.apiKey.header.toLowerCase()];
  return typeof given === 'string' && timingSafeEqualString(given, auth.apiKey.value);
}

/**
 * A key-per-resource REST API, shaped like many in-house secret services:
 * `PUT /v1/secrets/{path…}/{key}` with `{"value": "…"}` → 201/200,
 * `GET /v1/secrets/{path…}/{key}` → `{"data": {"value": "…", "updatedAt": "…"}}` or 404,
 * `DELETE /v1/secrets/{path…}/{key}` → 204 or 404,
 * `GET /v1/secrets/{path…}?list=true` → `{"items": [{"name": "…", "value": "…"}], "count": n}`
 * (200 with no items for an unknown path). Every request needs the configured auth (else 401).
 */
export class KeyPerResourceApi extends HttpFixture {
  readonly store = new Map<string, { value: string; updatedAt: string }>();

  private constructor(private readonly auth: FixtureAuth) {
    super();
  }

  static async start(options: { auth: FixtureAuth }): Promise<KeyPerResourceApi> {
    const api = new KeyPerResourceApi(options.auth);
    await api.listen();
    return api;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (!authorized(req, this.auth)) return sendJson(res, 401, { message: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (!url.pathname.startsWith('/v1/secrets/')) return sendJson(res, 404, { message: 'no such route' });
    const segments = url.pathname.slice('/v1/secrets/'.length).split('/').map(decodeURIComponent);
    if (url.searchParams.get('list') === 'true' && req.method === 'GET') {
      const prefix = `${segments.join('/')}/`;
      const items = [...this.store].filter(([id]) => id.startsWith(prefix) && !id.slice(prefix.length).includes('/')).map(([id, entry]) => ({ name: id.slice(prefix.length), value: entry.value, updatedAt: entry.updatedAt }));
      return sendJson(res, 200, { items, count: items.length });
    }
    if (segments.length < 2 || segments.some((segment) => segment === '')) return sendJson(res, 400, { message: 'bad path' });
    const id = segments.join('/');
    switch (req.method) {
      case 'GET': {
        const entry = this.store.get(id);
        return entry ? sendJson(res, 200, { data: { value: entry.value, updatedAt: entry.updatedAt } }) : sendJson(res, 404, { message: 'secret not found' });
      }
      case 'PUT': {
        let body: { value?: unknown };
        try {
          body = JSON.parse(raw.toString('utf8')) as typeof body;
        } catch {
          return sendJson(res, 400, { message: 'invalid JSON' });
        }
        if (typeof body.value !== 'string') return sendJson(res, 422, { message: 'value must be a string' });
        const existed = this.store.has(id);
        this.store.set(id, { value: body.value, updatedAt: new Date().toISOString() });
        return sendJson(res, existed ? 200 : 201, { name: segments.at(-1) });
      }
      case 'DELETE':
        if (!this.store.delete(id)) return sendJson(res, 404, { message: 'secret not found' });
        res.writeHead(204).end();
        return;
      default:
        return sendJson(res, 405, { message: 'method not allowed' });
    }
  }
}
