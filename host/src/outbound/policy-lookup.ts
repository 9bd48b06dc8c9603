import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { policyRefused, unreachable } from './errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into addresses. The system resolver by default; tests inject their own. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * A `lookup` for sockets: resolves, then checks every address against the policy before Node
 * connects. The socket only ever connects to an address this function returned, so there is no
 * window between the check and the connect in which a DNS answer could change (rebinding).
 * One denied address refuses the whole name: a name that mixes public and internal answers is
 * not one to trust.
 */
export function createPolicyLookup(resolver: Resolver, policy: AddressPolicy, options: { requireLoopback: boolean }): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const host = displayHost(hostname);
    resolver(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(unreachable(host, 'the host name does not resolve'), '', 4);
        for (const { address } of addresses) {
          const refusal = policy.check(address, options);
          if (refusal) return callback(policyRefused(host, refusal.rule, `it resolves to ${refusal.reason}`), '', 4);
        }
        const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const usable = family === undefined ? addresses : addresses.filter((a) => a.family === family);
        if (usable.length === 0) return callback(unreachable(host, `the host name has no IPv${family} address`), '', 4);
        if (lookupOptions.all) {
          return (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, usable);
        }
        const first = usable[0] as ResolvedAddress;
        return callback(null, first.address, first.family);
      },
      (error: unknown) => {
        const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
        const why = code === 'ENOTFOUND' || code === 'ENODATA' ? 'the host name does not resolve' : 'name resolution failed';
        callback(unreachable(host, why, error), '', 4);
      },
    );
  };
}

/** The host as people write it in messages (IPv6 in brackets). */
export function displayHost(hostname: string): string {
  return hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}
