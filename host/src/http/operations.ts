import type { NextFunction, Request, Response, Router } from 'express';
import { KeygateError } from '@keygate/core';
import { E2EE_HEADER, e2eeClientKey } from '@keygate/core/wire';
import type { operations } from '../generated/openapi.js';
import type { RequestContext } from './request-context.js';
import { IN_THREAD_E2EE, type E2eeEncryptor } from './e2ee-encryptor.js';
import { isReusableBody } from './reusable-body.js';

export type OperationId = keyof operations;
type Op<K extends OperationId> = operations[K];

type PathOf<K extends OperationId> = Op<K>['parameters'] extends { path: infer P } ? P : Record<string, never>;
type QueryOf<K extends OperationId> = Op<K>['parameters'] extends { query?: infer Q } ? NonNullable<Q> : Record<string, never>;
type BodyOf<K extends OperationId> = Op<K> extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : Op<K> extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B | undefined
    : undefined;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type Responses<K extends OperationId> = Op<K>['responses'];
type SuccessStatus<K extends OperationId> = Extract<keyof Responses<K>, 200 | 201 | 202 | 204>;

/** What a handler returns: one of the operation's success statuses with its body type. */
export type Reply<K extends OperationId> = {
  [S in SuccessStatus<K>]: { status: S; body: JsonOf<Responses<K>[S]> };
}[SuccessStatus<K>];

export interface OperationInput<K extends OperationId> {
  params: PathOf<K>;
  query: QueryOf<K>;
  body: BodyOf<K>;
  ctx: RequestContext;
  req: Request;
}

export type OperationHandler<K extends OperationId> = (input: OperationInput<K>) => Promise<Reply<K>>;

/** Every operation of openapi.yaml must have a handler: a missing or misspelled one fails to compile. */
export type HandlerTable = { [K in OperationId]: OperationHandler<K> };

export interface SpecOperation {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
}

export interface BindOptions {
  /** Called after a successful non-GET operation, before its response is sent (cache invalidation). */
  afterWrite?: () => void;
  /**
   * Operations whose success body carries secret values: when the request sends `X-E2E-Public-Key`,
   * the body is replaced by an E2EE envelope encrypted to that key (DESIGN §5).
   */
  e2eeOperations?: ReadonlySet<string>;
  /** What encrypts those envelopes (on the calling thread by default). */
  e2ee?: Pick<E2eeEncryptor, 'encrypt'>;
}

/** The operations whose responses carry secret values, and so are end-to-end encrypted on request. */
export const SECRET_BEARING_OPERATIONS: ReadonlySet<OperationId> = new Set<OperationId>(['getEnvironmentSecrets', 'getSecret']);

/** The client's E2EE public key, if the request asked for encryption; a malformed one is a 400. */
function e2eePublicKey(req: Request): string | undefined {
  const header = req.headers[E2EE_HEADER];
  if (header === undefined) return undefined;
  // Node joins a repeated header with ", ", which the base64 check refuses.
  const value = Array.isArray(header) ? header.join(', ') : header;
  try {
    e2eeClientKey(value);
    return value;
  } catch (error) {
    const reason = error instanceof TypeError ? error.message : 'X-E2E-Public-Key is invalid';
    throw new KeygateError('INVALID_INPUT', `${reason} (base64 of a P-256 public key in SPKI DER form)`);
  }
}

/** What the OpenAPI validator's route lookup leaves on a request it matched. */
interface MatchedRequest extends Request {
  openapi?: { openApiRoute?: string; pathParams?: Record<string, string> };
}

/**
 * Binds every operation of the spec to its handler. The OpenAPI validator, which runs first, has
 * already matched the request to its route (an unknown path or method never gets here), so the
 * operation is found by that route in one map lookup, with the path parameters it decoded, rather
 * than by trying each route's pattern again in turn.
 */
export function bindOperations(router: Router, spec: SpecOperation[], handlers: HandlerTable, options: BindOptions = {}): void {
  const e2ee = options.e2ee ?? IN_THREAD_E2EE;
  const sentBefore = new WeakMap<object, { text: string; bytes: Buffer }>();
  const bound = new Map<string, (req: Request, res: Response, params: Record<string, string>) => Promise<void>>();
  for (const operation of spec) {
    const handler = (handlers as Record<string, OperationHandler<OperationId> | undefined>)[operation.operationId];
    if (!handler) throw new Error(`openapi.yaml operation ${operation.operationId} has no handler`);
    const encrypted = options.e2eeOperations?.has(operation.operationId) === true;
    bound.set(`${operation.method.toUpperCase()} ${operation.path}`, async (req, res, params) => {
      // Checked before the handler runs, so a malformed key never costs a provider read.
      const clientKey = encrypted ? e2eePublicKey(req) : undefined;
      // The table is typed per operation; here every operation is handled alike.
      const reply = (await handler({
        params: params as never,
        query: req.query as never,
        body: req.body as never,
        ctx: res.locals.ctx as RequestContext,
        req,
      })) as { status: number; body: unknown };
      if (operation.method !== 'get') options.afterWrite?.();
      if (reply.body === undefined) {
        res.status(reply.status).end();
        return;
      }
      const sent = isReusableBody(reply.body) ? sentBefore.get(reply.body) : undefined;
      if (clientKey !== undefined) {
        res.status(reply.status).json(await e2ee.encrypt(clientKey, sent?.text ?? JSON.stringify(reply.body)));
      } else if (sent !== undefined) {
        // The same frozen object passed the contract check (when on) the first time it was sent.
        res.status(reply.status).type('application/json').send(sent.bytes);
      } else {
        res.status(reply.status).json(reply.body);
        // Kept only once it went out as it is: a body failing the response check became a 500.
        if (isReusableBody(reply.body) && res.headersSent && res.statusCode === reply.status) {
          const text = JSON.stringify(reply.body);
          sentBefore.set(reply.body, { text, bytes: Buffer.from(text) });
        }
      }
    });
  }
  router.use((req: MatchedRequest, res: Response, next: NextFunction) => {
    const route = req.openapi?.openApiRoute;
    const run = route === undefined ? undefined : bound.get(`${req.method} ${route}`);
    if (run === undefined) {
      next();
      return;
    }
    // Express 5 passes a rejected promise to the error handler.
    return run(req, res, req.openapi?.pathParams ?? {});
  });
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

/** Lists the operations of a parsed OpenAPI document. */
export function specOperations(document: { paths?: Record<string, Record<string, unknown>> }): SpecOperation[] {
  const result: SpecOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (operation?.operationId) result.push({ operationId: operation.operationId, method, path });
    }
  }
  return result;
}
