import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** A network in CIDR notation, parsed. */
export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  /** As written, for messages. */
  text: string;
}

/** Parses an IPv4 dotted quad or an IPv6 address (brackets and a zone id are accepted and dropped). */
export function parseIp(text: string): IpAddress | undefined {
  let candidate = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = candidate.indexOf('%');
  if (zone >= 0) candidate = candidate.slice(0, zone);
  if (isIPv4(candidate)) return { family: 4, bytes: Uint8Array.from(candidate.split('.').map(Number)) };
  if (isIPv6(candidate)) return { family: 6, bytes: parseIpv6(candidate) };
  return undefined;
}

function parseIpv6(text: string): Uint8Array {
  let normalised = text;
  // A trailing dotted quad (::ffff:10.0.0.1) stands for the last two 16-bit words.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    normalised = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const toWords = (part: string) => (part === '' ? [] : part.split(':').map((w) => Number.parseInt(w, 16)));
  const gap = normalised.indexOf('::');
  let words: number[];
  if (gap >= 0) {
    const head = toWords(normalised.slice(0, gap));
    const rest = toWords(normalised.slice(gap + 2));
    words = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    words = toWords(normalised);
  }
  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [...ip.bytes].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  // Uncompressed: only used in messages, where the shortest form (RFC 5952) does not matter.
  return words.join(':');
}

/** Parses `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw)) return undefined;
    prefix = Number(raw);
    if (prefix > max) return undefined;
  }
  return { family: ip.family, bytes: ip.bytes, prefix, text };
}

export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`not a CIDR: ${text}`);
  return parsed;
}

export function inCidr(ip: IpAddress, network: Cidr): boolean {
  if (ip.family !== network.family) return false;
  const full = Math.floor(network.prefix / 8);
  for (let i = 0; i < full; i++) if (ip.bytes[i] !== network.bytes[i]) return false;
  const rest = network.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip.bytes[full] ?? 0) & mask) === ((network.bytes[full] ?? 0) & mask);
}
