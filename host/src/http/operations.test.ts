import { describe, expect, it } from 'vitest';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { decryptFromServer, generateE2eeKeyPair, type E2eeEnvelope } from '@keygate/core/wire';
import { bindOperations, type HandlerTable } from './operations.js';
import { reusableBody } from './reusable-body.js';

/** An app with one operation whose handler returns `next()`; stands in for the validator's route match. */
async function serve(next: () => object): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use((req: Request & { openapi?: unknown }, res: Response, go: NextFunction) => {
    req.openapi = { openApiRoute: '/thing', pathParams: {} };
    res.locals.ctx = { requestId: 'r', ip: '' };
    go();
  });
  const router = express.Router();
  const handlers = { getThing: () => Promise.resolve({ status: 200, body: next() }) } as unknown as HandlerTable;
  bindOperations(router, [{ operationId: 'getThing', method: 'get', path: '/thing' }], handlers, { e2eeOperations: new Set(['getThing']) });
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/thing`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('bindOperations with a reusable body', () => {
  it('sends the same JSON as the first time, also end-to-end encrypted, and a new body once the object changes', async () => {
    let body: object = reusableBody({ name: 'é', secrets: { A: '1', B: 'y' }, version: 1 });
    const server = await serve(() => body);
    try {
      const first = await fetch(server.url);
      const second = await fetch(server.url);
      expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
      expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const text = await first.text();
      expect(await second.text()).toBe(text);
      expect(JSON.parse(text)).toEqual({ name: 'é', secrets: { A: '1', B: 'y' }, version: 1 });

      const keys = generateE2eeKeyPair();
      const envelope = (await (await fetch(server.url, { headers: { 'x-e2e-public-key': keys.publicKeyBase64 } })).json()) as E2eeEnvelope;
      expect(decryptFromServer(keys.privateKey, envelope)).toBe(text);

      body = reusableBody({ name: 'é', secrets: { A: '2' }, version: 2 });
      expect(await (await fetch(server.url)).json()).toEqual({ name: 'é', secrets: { A: '2' }, version: 2 });
    } finally {
      await server.close();
    }
  });

  it('freezes the body, so that what was sent cannot drift from what is reused', () => {
    const body = reusableBody({ secrets: { A: '1' } as Record<string, string> });
    expect(() => {
      body.secrets.B = '2';
    }).toThrow(TypeError);
  });
});
