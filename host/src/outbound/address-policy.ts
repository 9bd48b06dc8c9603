import { cidr, formatIp, inCidr, parseIp, type Cidr, type IpAddress } from './ip-address.js';

/**
 * What an address is, as far as outbound calls care. Only `public` is reachable by default;
 * `private` and `loopback` are operator switches; everything else is never reachable.
 */
export type AddressCategory = 'public' | 'private' | 'loopback' | 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved';

export interface AddressClass {
  category: AddressCategory;
  /** The range that decided it, e.g. `169.254.0.0/16`; absent for public addresses. */
  range?: string;
  /** The IPv4 address an IPv4-mapped (or NAT64 / 6to4) IPv6 address stands for. */
  ipv4?: string;
}

interface Rule {
  network: Cidr;
  category: AddressCategory;
}

const rules = (entries: Array<[string, AddressCategory]>): Rule[] => entries.map(([text, category]) => ({ network: cidr(text), category }));

// First match wins, so single addresses come before the ranges that contain them.
const IPV4_RULES = rules([
  // Cloud metadata services: AWS/GCP/Azure/OpenStack, ECS task metadata, Alibaba, Oracle.
  ['169.254.169.254/32', 'metadata'],
  ['169.254.170.2/32', 'metadata'],
  ['100.100.100.200/32', 'metadata'],
  ['192.0.0.192/32', 'metadata'],
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'private'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

/** IPv6 prefixes that carry an IPv4 address, and where its four bytes are. */
const IPV4_CARRIERS: Array<{ network: Cidr; offset: number }> = [
  { network: cidr('::ffff:0:0/96'), offset: 12 },
  { network: cidr('64:ff9b::/96'), offset: 12 },
  { network: cidr('2002::/16'), offset: 2 },
];

const IPV6_RULES = rules([
  ['fd00:ec2::254/128', 'metadata'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // The deprecated IPv4-compatible form (::a.b.c.d) and other low addresses.
  ['::/96', 'reserved'],
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  // IETF protocol assignments, Teredo among them (its embedded address is obfuscated).
  ['2001::/23', 'reserved'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'reserved'],
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST_V6 = cidr('2000::/3');

export function classifyIp(ip: IpAddress): AddressClass {
  if (ip.family === 6) {
    for (const carrier of IPV4_CARRIERS) {
      if (!inCidr(ip, carrier.network)) continue;
      const ipv4: IpAddress = { family: 4, bytes: ip.bytes.slice(carrier.offset, carrier.offset + 4) };
      const inner = classifyIp(ipv4);
      return { ...inner, ipv4: formatIp(ipv4) };
    }
  }
  for (const rule of ip.family === 4 ? IPV4_RULES : IPV6_RULES) {
    if (inCidr(ip, rule.network)) return { category: rule.category, range: rule.network.text };
  }
  if (ip.family === 6 && !inCidr(ip, GLOBAL_UNICAST_V6)) return { category: 'reserved', range: 'outside 2000::/3' };
  return { category: 'public' };
}

/** Classifies an address given as text; `undefined` when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const ip = parseIp(address);
  return ip ? classifyIp(ip) : undefined;
}

export interface AddressPolicyOptions {
  allowLoopback: boolean;
  allowPrivate: boolean;
  /** Private networks reachable even when `allowPrivate` is off. Never opens the always-denied ranges. */
  allowedNetworks?: readonly string[];
}

/** Why an address was refused: a rule name for machines, and words for people. */
export interface Refusal {
  rule: AddressCategory | 'not-loopback';
  /** A noun phrase that follows "it is" / "it resolves to", e.g. `a link-local address (…), which is never allowed`. */
  reason: string;
}

const ALWAYS_DENIED: Record<Exclude<AddressCategory, 'public' | 'private' | 'loopback'>, string> = {
  metadata: 'a cloud metadata address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or special-purpose address',
};

export interface AddressPolicy {
  /** `undefined` when the address may be connected to. */
  check(address: string, options?: { requireLoopback?: boolean }): Refusal | undefined;
}

export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const allowed = (options.allowedNetworks ?? []).map(cidr);
  return {
    check(address, { requireLoopback = false } = {}) {
      const ip = parseIp(address);
      if (!ip) return { rule: 'reserved', reason: 'not an IP address' };
      const found = classifyIp(ip);
      const range = found.range === undefined ? '' : ` (${found.range})`;
      const mapped = found.ipv4 === undefined ? '' : ', written as IPv6';
      if (found.category === 'public' || found.category === 'private' || found.category === 'loopback') {
        if (requireLoopback && found.category !== 'loopback') {
          return { rule: 'not-loopback', reason: 'an address that is not loopback, and plain http is only allowed to loopback addresses' };
        }
        if (found.category === 'loopback' && !options.allowLoopback) {
          return { rule: 'loopback', reason: `a loopback address${range}${mapped}; set outbound.allowLoopback to allow it` };
        }
        if (found.category === 'private' && !options.allowPrivate) {
          const v4 = found.ipv4 === undefined ? ip : (parseIp(found.ipv4) ?? ip);
          if (!allowed.some((network) => inCidr(v4, network) || inCidr(ip, network))) {
            return { rule: 'private', reason: `a private address${range}${mapped}; set outbound.allowPrivate or list the network in outbound.allowedNetworks to allow it` };
          }
        }
        return undefined;
      }
      return { rule: found.category, reason: `${ALWAYS_DENIED[found.category]}${range}${mapped}, which is never allowed` };
    },
  };
}
