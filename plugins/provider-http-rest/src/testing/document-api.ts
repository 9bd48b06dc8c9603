import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpFixture, readBody, sendJson } from './http-fixture.js';
import { authorized, type FixtureAuth } from './key-per-resource-api.js';

interface SecretDocument {
  revision: number;
  secrets: Record<string, string>;
}

/**
 * A map-per-document API: one JSON document per path holds all its keys, changed with JSON Merge
 * Patch (RFC 7396), the way configuration stores often work:
 * `GET /documents/{path…}` → `{"id", "revision", "secrets": {"KEY": "value"}}` or 404,
 * `PATCH /documents/{path…}` (`application/merge-patch+json`) with `{"secrets": {"KEY": "value" | null}}`
 * → 200 with the new document (created when absent). Deleting a member that is not there is not
 * an error (merge-patch semantics), which is why the provider's `confirmExists` exists.
 */
export class DocumentApi extends HttpFixture {
  readonly documents = new Map<string, SecretDocument>();

  private constructor(private readonly auth: FixtureAuth) {
    super();
  }

  static async start(options: { auth: FixtureAuth }): Promise<DocumentApi> {
    const api = new DocumentApi(options.auth);
    await api.listen();
    return api;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (!authorized(req, this.auth)) return sendJson(res, 403, { message: 'forbidden' });
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (!url.pathname.startsWith('/documents/')) return sendJson(res, 404, { message: 'no such route' });
    const id = url.pathname.slice('/documents/'.length).split('/').map(decodeURIComponent).join('/');
    if (req.method === 'GET') {
      const document = this.documents.get(id);
      return document ? sendJson(res, 200, { id, ...document }) : sendJson(res, 404, { message: 'no such document' });
    }
    if (req.method !== 'PATCH') return sendJson(res, 405, { message: 'method not allowed' });
    if (req.headers['content-type'] !== 'application/merge-patch+json') return sendJson(res, 415, { message: 'use application/merge-patch+json' });
    let patch: { secrets?: unknown };
    try {
      patch = JSON.parse(raw.toString('utf8')) as typeof patch;
    } catch {
      return sendJson(res, 400, { message: 'invalid JSON' });
    }
    if (typeof patch.secrets !== 'object' || patch.secrets === null || Array.isArray(patch.secrets)) return sendJson(res, 422, { message: 'secrets must be an object' });
    const document = this.documents.get(id) ?? { revision: 0, secrets: {} };
    const secrets = new Map(Object.entries(document.secrets));
    for (const [key, value] of Object.entries(patch.secrets as Record<string, unknown>)) {
      if (value === null) secrets.delete(key);
      else if (typeof value === 'string') secrets.set(key, value);
      else return sendJson(res, 422, { message: 'values must be strings or null' });
    }
    const next = { revision: document.revision + 1, secrets: Object.fromEntries(secrets) };
    this.documents.set(id, next);
    return sendJson(res, 200, { id, ...next });
  }
}
