import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { cacheRouteLookups } from './route-lookup-cache.js';

const spec = {
  openapi: '3.1.0',
  info: { title: 'lookup', version: '1' },
  paths: {
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9%/]+$' } }],
      get: { operationId: 'getItem', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
    '/items/{id}/parts/{part}': {
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'part', in: 'path', required: true, schema: { type: 'integer' } },
      ],
      get: { operationId: 'getPart', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
  },
};

let server: Server;
let url: string;
let lookups = 0;

beforeAll(async () => {
  const middlewares = OpenApiValidator.middleware({ apiSpec: structuredClone(spec) as never, validateRequests: { coerceTypes: true }, validateResponses: true, ignoreUndocumented: false });
  // Counts the validator's own lookups, under the name the cache looks for.
  const index = middlewares.findIndex((mw) => mw.name === 'metadataMiddleware');
  expect(index).toBeGreaterThanOrEqual(0);
  const original = middlewares[index]!;
  const counting: RequestHandler = (req, res, next) => {
    lookups++;
    return original(req, res, next);
  };
  Object.defineProperty(counting, 'name', { value: 'metadataMiddleware' });
  middlewares[index] = counting;

  const app = express();
  app.use(cacheRouteLookups(middlewares));
  app.use((req: Request & { openapi?: { openApiRoute: string; pathParams: Record<string, unknown> } }, res: Response) => {
    const params = req.openapi!.pathParams;
    const seen = { route: req.openapi!.openApiRoute, params: { ...params } };
    // A handler that changes its parameters must not change what the next request gets.
    params.id = 'changed';
    res.json(seen);
  });
  app.use((error: { status?: number; message: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).json({ message: error.message });
  });
  server = app.listen(0);
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

async function get(path: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('route lookup cache', () => {
  it('looks a path up once and gives every later request the same route with its own parameters', async () => {
    const before = lookups;
    for (let i = 0; i < 3; i++) {
      expect(await get('/items/abc')).toEqual({ status: 200, body: { route: '/items/{id}', params: { id: 'abc' } } });
    }
    expect(lookups - before).toBe(1);
    // Parameters are coerced per request, on each request's own copy.
    for (let i = 0; i < 2; i++) expect(await get('/items/abc/parts/7')).toEqual({ status: 200, body: { route: '/items/{id}/parts/{part}', params: { id: 'abc', part: 7 } } });
    expect(lookups - before).toBe(2);
  });

  it('keys by the decoded-as-sent path and ignores the query string', async () => {
    expect((await get('/items/a%2Fb')).body).toEqual({ route: '/items/{id}', params: { id: 'a/b' } });
    expect((await get('/items/a%2Fb?x=1')).status).toBe(400); // unknown query parameter, refused by the validator
    expect((await get('/items/other')).body).toEqual({ route: '/items/{id}', params: { id: 'other' } });
  });

  it('does not remember refusals: an unknown path or method is looked up (and refused) every time', async () => {
    const before = lookups;
    for (let i = 0; i < 2; i++) {
      expect((await get('/nothing/here')).status).toBe(404);
      expect((await get('/items/abc', 'DELETE')).status).toBe(405);
    }
    expect(lookups - before).toBe(4);
  });

  it('leaves a validator without the expected middleware alone', () => {
    const list: RequestHandler[] = [(_req, _res, next) => next()];
    expect(cacheRouteLookups(list)).toBe(list);
  });
});
