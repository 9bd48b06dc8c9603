import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOutboundSignature, verifyOutboundSignature } from '@keygate/core/wire';
import { HttpFixture, readBody, sendJson } from './http-fixture.js';

/** What the endpoint saw of one call (never the value). */
export interface ContractCall {
  action: string;
  path: string;
  key?: string;
  requestId: string;
  /** The `t` of its X-Bella-Signature. */
  signedAt: number;
  signature: string;
}

/**
 * A contract-mode endpoint for tests: `POST /` with a signed `{action, path, key?, value?,
 * requestId}`, verified with core's receiver-side check, over an in-memory store. Unsigned or
 * badly signed calls get 401. Unknown keys get 404 `{error}`.
 */
export class ContractEndpoint extends HttpFixture {
  readonly store = new Map<string, Map<string, string>>();
  readonly calls: ContractCall[] = [];

  private constructor(private readonly signingSecret: string) {
    super();
  }

  static async start(options: { signingSecret: string }): Promise<ContractEndpoint> {
    const endpoint = new ContractEndpoint(options.signingSecret);
    await endpoint.listen();
    return endpoint;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const header = req.headers['x-bella-signature'];
    if (typeof header !== 'string' || !verifyOutboundSignature(this.signingSecret, header, raw)) return sendJson(res, 401, { error: 'bad signature' });
    let body: { action?: unknown; path?: unknown; key?: unknown; value?: unknown; requestId?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
    const { action, path, key, value, requestId } = body;
    if (typeof path !== 'string' || typeof requestId !== 'string') return sendJson(res, 400, { error: 'path and requestId are required' });
    this.calls.push({ action: String(action), path, ...(typeof key === 'string' ? { key } : {}), requestId, signedAt: parseOutboundSignature(header)!.timestamp, signature: header });
    const folder = this.store.get(path);
    switch (action) {
      case 'list':
        return sendJson(res, 200, { secrets: Object.fromEntries(folder ?? []) });
      case 'get': {
        const found = typeof key === 'string' ? folder?.get(key) : undefined;
        return found === undefined ? sendJson(res, 404, { error: 'not found' }) : sendJson(res, 200, { value: found });
      }
      case 'set':
        if (typeof key !== 'string' || typeof value !== 'string') return sendJson(res, 400, { error: 'key and value are required' });
        if (!this.store.has(path)) this.store.set(path, new Map());
        this.store.get(path)!.set(key, value);
        return sendJson(res, 200, { success: true });
      case 'delete':
        if (typeof key !== 'string' || !folder?.delete(key)) return sendJson(res, 404, { error: 'not found' });
        return sendJson(res, 200, { success: true });
      default:
        return sendJson(res, 400, { error: 'unknown action' });
    }
  }
}
