import { createRequire } from 'node:module';

type PathToRegexp = (path: unknown, options?: unknown) => unknown;

let installed = false;

/**
 * express-openapi-validator 5.6 compiles a path-to-regexp matcher for every route it scans on every
 * request (upstream pull request 1217 caches them). Compiling dominates the validator's cost on a
 * hot path, so the copy of path-to-regexp it uses gets a memoising `pathToRegexp`: same inputs,
 * same (stateless, non-global) matcher object.
 */
export function cacheRouteMatchers(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  const library = createRequire(require.resolve('express-openapi-validator'))('path-to-regexp') as { pathToRegexp: PathToRegexp };
  const original = library.pathToRegexp;
  const compiled = new Map<string, unknown>();
  library.pathToRegexp = (path, options) => {
    if (typeof path !== 'string') return original(path, options);
    const key = `${path}\u0000${JSON.stringify(options ?? null)}`;
    let matcher = compiled.get(key);
    if (matcher === undefined) {
      matcher = original(path, options);
      if (compiled.size < 10_000) compiled.set(key, matcher);
    }
    return matcher;
  };
}
