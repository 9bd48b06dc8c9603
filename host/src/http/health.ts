import type { HandlerTable } from './operations.js';
import type { HostServices } from '../host-services.js';
import { KeygateError } from '@keygate/core';

export function healthHandlers(s: HostServices): Pick<HandlerTable, 'getHealth' | 'getReadiness'> {
  return {
    getHealth: async () => ({ status: 200, body: { status: 'ok' } }),
    getReadiness: async () => {
      try {
        await s.pool.query('SELECT 1');
      } catch {
        throw new KeygateError('PROVIDER_UNAVAILABLE', 'database is not reachable');
      }
      return { status: 200, body: { status: 'ok' } };
    },
  };
}
