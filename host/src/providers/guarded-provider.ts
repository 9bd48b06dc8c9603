import { KeygateError, isKeygateError, type Logger, type SecretProvider } from '@keygate/core';

/**
 * Wraps a provider session so every call has a deadline and every failure is a typed error that
 * names the provider. Untyped errors from a plugin are logged by message only (a plugin's error
 * text could echo a value) and surface as PROVIDER_REJECTED.
 */
export function guardProvider(provider: SecretProvider, slug: string, timeoutMs: number, log: Logger): SecretProvider {
  const guard = <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KeygateError('TIMEOUT', `provider "${slug}" did not answer ${operation} within ${timeoutMs} ms`, { extensions: { provider: slug } })),
        timeoutMs,
      );
    });
    return Promise.race([call(), deadline])
      .catch((error: unknown) => {
        if (isKeygateError(error)) {
          if (error.extensions?.provider === slug) throw error;
          throw new KeygateError(error.code, `provider "${slug}": ${error.message}`, { retryable: error.retryable, extensions: { ...error.extensions, provider: slug } });
        }
        log.warn('provider call failed', { provider: slug, operation, error: error instanceof Error ? error.name : typeof error });
        throw new KeygateError('PROVIDER_REJECTED', `provider "${slug}" failed to ${operation}`, { extensions: { provider: slug } });
      })
      .finally(() => clearTimeout(timer));
  };
  return {
    capabilities: provider.capabilities,
    getAll: (scope) => guard('list secrets', () => provider.getAll(scope)),
    get: (ref, options) => guard('read a secret', () => provider.get(ref, options)),
    put: (ref, value, options) => guard('write a secret', () => provider.put(ref, value, options)),
    delete: (ref) => guard('delete a secret', () => provider.delete(ref)),
    listMetadata: (scope) => guard('list secret metadata', () => provider.listMetadata(scope)),
    check: () => guard('check connectivity', () => provider.check()),
    close: () => provider.close(),
  };
}
