import express, { type Express, type Request, type Response } from 'express';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER, type HttpRestProviderRequest } from '@keygate/sdk';
import type { SecretStore } from './store.js';

export interface ProviderAppOptions {
  /** The provider's `signingSecret` in Keygate. Several during a rollover: any of them is accepted. */
  signingSecrets: string | readonly string[];
  store: SecretStore;
  /** Largest request body accepted; default 256 kB. */
  bodyLimit?: string;
}

const ACTIONS = new Set(['list', 'get', 'set', 'delete']);

/**
 * The contract Keygate's HttpRest provider speaks (contract mode): one `POST /` per operation with
 * `{action, path, key?, value?, requestId}`, signed in `X-Bella-Signature`. Answers
 * `{secrets}`, `{value}`, `{success: true}`, or a non-2xx `{error}`; 404 means "no such key".
 */
export function createProviderApp(options: ProviderAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  // The signature covers the raw bytes, so the body is read raw and parsed only after verifying.
  app.post('/', express.raw({ type: () => true, limit: options.bodyLimit ?? '256kb' }), async (req: Request, res: Response) => {
    const raw: unknown = req.body;
    const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    const header = req.headers[WEBHOOK_SIGNATURE_HEADER];
    if (typeof header !== 'string' || !verifyWebhookSignature(options.signingSecrets, header, body)) {
      res.status(401).json({ error: 'invalid or missing X-Bella-Signature' });
      return;
    }
    const call = parseCall(body);
    if (typeof call === 'string') {
      res.status(400).json({ error: call });
      return;
    }
    try {
      await answer(call, options.store, res);
    } catch {
      // Never echo what the store said: it could contain a value.
      res.status(500).json({ error: 'store failure' });
    }
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}

function parseCall(body: Buffer): HttpRestProviderRequest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body must be JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'body must be a JSON object';
  const { action, path, key, value, requestId } = parsed as Record<string, unknown>;
  if (typeof action !== 'string' || !ACTIONS.has(action)) return 'action must be list, get, set or delete';
  if (typeof path !== 'string' || path === '') return 'path must be a non-empty string';
  if (typeof requestId !== 'string' || requestId === '') return 'requestId must be a non-empty string';
  if (action !== 'list' && (typeof key !== 'string' || key === '')) return 'key must be a non-empty string';
  if (action === 'set' && typeof value !== 'string') return 'value must be a string';
  return {
    action: action as HttpRestProviderRequest['action'],
    path,
    requestId,
    ...(typeof key === 'string' ? { key } : {}),
    ...(typeof value === 'string' ? { value } : {}),
  };
}

async function answer(call: HttpRestProviderRequest, store: SecretStore, res: Response): Promise<void> {
  const key = call.key ?? '';
  switch (call.action) {
    case 'list':
      res.json({ secrets: await store.list(call.path) });
      return;
    case 'get': {
      const value = await store.get(call.path, key);
      if (value === undefined) res.status(404).json({ error: 'not found' });
      else res.json({ value });
      return;
    }
    case 'set':
      await store.set(call.path, key, call.value ?? '');
      res.json({ success: true });
      return;
    case 'delete':
      if (await store.delete(call.path, key)) res.json({ success: true });
      else res.status(404).json({ error: 'not found' });
      return;
  }
}
