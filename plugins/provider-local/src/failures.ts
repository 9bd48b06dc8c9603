import { KeygateError, ProviderUnavailableError, isKeygateError } from '@keygate/core';

// SQLSTATE classes that mean "the database cannot serve us right now" rather than "we asked for
// something wrong": connection exceptions, insufficient resources, operator intervention,
// transaction rollbacks (serialisation failures, deadlocks).
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '40']);

/**
 * Turns a database failure into a typed error. The host's SqlClient passes driver errors through
 * with their SQLSTATE in `code`; socket errors carry `ECONNREFUSED` and the like.
 */
export function storeFailure(error: unknown, doing: string): unknown {
  if (isKeygateError(error)) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState !== undefined && !UNAVAILABLE_CLASSES.has(sqlState.slice(0, 2))) {
    return new KeygateError('INTERNAL', `local secret store failed while ${doing} (SQLSTATE ${sqlState})`, { cause: error });
  }
  return new ProviderUnavailableError(`local secret store unavailable while ${doing}`, { cause: error });
}

/** Runs one store operation, converting whatever it throws with {@link storeFailure}. */
export async function guarded<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storeFailure(error, doing);
  }
}
