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
  // By path, then by the two flags the validator passes (sensitive, strict): no key string is built
  // per call, as this runs for every route on every request.
  const compiled = new Map<string, unknown[]>();
  library.pathToRegexp = (path, options) => {
    if (typeof path !== 'string') return original(path, options);
    // Its only caller (route lookup) passes exactly these two options.
    const flags = options as { sensitive?: unknown; strict?: unknown } | undefined;
    const slot = (flags?.sensitive === true ? 2 : 0) + (flags?.strict === true ? 1 : 0);
    let matchers = compiled.get(path);
    if (matchers === undefined) {
      if (compiled.size >= 10_000) return original(path, options);
      matchers = [];
      compiled.set(path, matchers);
    }
    return (matchers[slot] ??= original(path, options));
  };
}
