import express, { type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { randomUUID } from 'node:crypto';
import type { HostServices } from '../host-services.js';
import { authenticate, type RawBodyRequest } from '../auth/authenticate.js';
import { bindOperations, SECRET_BEARING_OPERATIONS, specOperations, type HandlerTable } from './operations.js';
import { toProblem } from './problem.js';
import { deniedAction } from '../auth/policy.js';
import type { RequestContext } from './request-context.js';
import { loadOpenApiDocument } from './openapi-document.js';
import { healthHandlers } from './health.js';
import { providerHandlers } from '../providers/routes.js';
import { projectHandlers } from '../projects/routes.js';
import { environmentHandlers } from '../environments/routes.js';
import { secretHandlers } from '../secrets/routes.js';
import { keyHandlers } from '../keys/routes.js';
import { keyKindHandlers } from '../keys/kind-routes.js';
import { auditHandlers } from '../audit/routes.js';
import { userHandlers } from '../users/routes.js';
import { memberHandlers } from '../members/routes.js';
import { rotationHandlers } from '../rotation/routes.js';
import { cacheRouteMatchers } from './route-matcher-cache.js';
import { cacheRouteLookups } from './route-lookup-cache.js';
import { identityHandlers } from '../identity/routes.js';
import type { E2eeEncryptor } from './e2ee-encryptor.js';

export interface AppOptions {
  bodyLimitBytes: number;
  /** Validate every response against openapi.yaml (a contract bug becomes a 500). */
  responseValidation: boolean;
  /** Express `trust proxy`: false, true, a hop count, or addresses/subnets. */
  trustProxy: boolean | number | string | string[];
  /** Encrypts E2EE responses (on the calling thread when absent). */
  e2ee?: E2eeEncryptor;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Routes under `/api` that need no credentials (they issue them). */
const PUBLIC_API_PATHS: ReadonlySet<string> = new Set(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/token', '/api/v1/trust/exchange']);

export function handlerTable(s: HostServices): HandlerTable {
  return {
    ...healthHandlers(s),
    ...providerHandlers(s),
    ...projectHandlers(s),
    ...environmentHandlers(s),
    ...secretHandlers(s),
    ...keyHandlers(s),
    ...keyKindHandlers(s),
    ...auditHandlers(s),
    ...userHandlers(s),
    ...identityHandlers(s),
    ...memberHandlers(s),
    ...rotationHandlers(s),
  };
}

export function createApp(s: HostServices, options: AppOptions): express.Express {
  cacheRouteMatchers();
  const document = loadOpenApiDocument();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('etag', false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Cache-Control', 'no-store');
    res.locals.ctx = { requestId, ip: req.ip ?? '' };
    next();
  });
  app.use(
    express.json({
      limit: options.bodyLimitBytes,
      type: ['application/json', 'application/*+json'],
      // The exact bytes are part of a signed request's signature.
      verify: (req, _res, buf) => {
        (req as RawBodyRequest).rawBody = buf;
      },
    }),
  );
  app.use('/api', authenticate({ keys: s.keys, audit: s.audit, replay: s.replay, users: { store: s.users, tokens: s.tokens, memberships: s.memberships }, failures: s.authFailures, publicPaths: PUBLIC_API_PATHS }));
  app.use(
    cacheRouteLookups(
      OpenApiValidator.middleware({
        apiSpec: structuredClone(document) as never,
        validateRequests: { allowUnknownQueryParameters: false, coerceTypes: true },
        validateResponses: options.responseValidation,
        validateSecurity: false,
        ignoreUndocumented: false,
      }),
    ),
  );
  const router = express.Router();
  bindOperations(router, specOperations(document), handlerTable(s), {
    afterWrite: () => s.feed.bump(),
    e2eeOperations: SECRET_BEARING_OPERATIONS,
    ...(options.e2ee ? { e2ee: options.e2ee } : {}),
  });
  app.use(router);

  app.use(async (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(error);
    const ctx = res.locals.ctx as Partial<RequestContext> | undefined;
    const requestId = ctx?.requestId;
    const denied = deniedAction(error);
    if (denied && ctx?.principal) {
      await s.audit
        .record({
          tenantId: ctx.principal.tenantId,
          actorType: ctx.principal.actorType,
          actorId: ctx.principal.actorId,
          action: 'access.denied',
          targetType: 'request',
          target: `${req.method} ${req.path}`,
          outcome: 'denied',
          status: problem.status,
          requestId,
          ...(ctx.ip === undefined ? {} : { ip: ctx.ip }),
          details: { refused: denied },
        })
        .catch((auditError: unknown) => s.logger.error('audit write failed', { error: String(auditError) }));
    }
    if (problem.status >= 500 && problem.status !== 502 && problem.status !== 503 && problem.status !== 504) {
      s.logger.error('request failed', { requestId, error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(problem.status).type('application/problem+json').json({ ...problem, ...(requestId ? { instance: `urn:request:${requestId}` } : {}) });
  });
  return app;
}
