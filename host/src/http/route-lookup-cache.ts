import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What express-openapi-validator's metadata middleware leaves on a request it matched. */
interface OpenApiMetadata {
  pathParams: Record<string, string>;
  [member: string]: unknown;
}

type WithMetadata = Request & { openapi?: OpenApiMetadata };

const MAX_ENTRIES = 10_000;

/**
 * express-openapi-validator finds a request's route by trying every route of the spec in turn, on
 * every request; that scan is the largest cost the validator adds to a secret read. What it finds
 * depends only on the method and the path, and clients repeat the same paths, so its answer (the
 * `req.openapi` metadata) is remembered per method and path and handed to later requests as a copy
 * with their own `pathParams` object, which request validation may coerce in place. Requests the
 * lookup refuses (unknown path, method not allowed) are not remembered: they go through it again.
 *
 * Wraps the validator's middleware list; when the metadata middleware is not where this expects
 * it (another validator version), the list is returned unchanged.
 */
export function cacheRouteLookups(middlewares: RequestHandler[]): RequestHandler[] {
  const index = middlewares.findIndex((mw) => mw.name === 'metadataMiddleware');
  if (index < 0) return middlewares;
  const lookup = middlewares[index]!;
  const known = new Map<string, OpenApiMetadata>();
  const cached: RequestHandler = (req: WithMetadata, res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const key = `${req.method} ${q < 0 ? url : url.slice(0, q)}`;
    const hit = known.get(key);
    if (hit !== undefined) {
      const pathParams = { ...hit.pathParams };
      req.openapi = { ...hit, pathParams };
      req.params = pathParams;
      next();
      return;
    }
    return lookup(req, res, (error?: unknown) => {
      const found = req.openapi;
      if (error === undefined && found !== undefined) {
        if (known.size >= MAX_ENTRIES) known.clear();
        known.set(key, { ...found, pathParams: { ...found.pathParams } });
      }
      next(error);
    });
  };
  return middlewares.map((mw, i) => (i === index ? cached : mw));
}
