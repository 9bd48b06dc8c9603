import { describe, expect, it } from 'vitest';
import { classifyAddress, createAddressPolicy, type AddressCategory } from './address-policy.js';
import { inCidr, parseCidr, parseIp } from './ip-address.js';

describe('classifyAddress', () => {
  it.each<[string, AddressCategory, string?]>([
    // IPv4
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['0.0.0.0', 'unspecified', '0.0.0.0/8'],
    ['0.1.2.3', 'unspecified', '0.0.0.0/8'],
    ['10.0.0.1', 'private', '10.0.0.0/8'],
    ['10.255.255.255', 'private', '10.0.0.0/8'],
    ['172.16.0.1', 'private', '172.16.0.0/12'],
    ['172.31.255.254', 'private', '172.16.0.0/12'],
    ['192.168.1.1', 'private', '192.168.0.0/16'],
    ['100.64.0.1', 'private', '100.64.0.0/10'],
    ['100.127.255.255', 'private', '100.64.0.0/10'],
    ['127.0.0.1', 'loopback', '127.0.0.0/8'],
    ['127.255.255.254', 'loopback', '127.0.0.0/8'],
    ['169.254.169.254', 'metadata', '169.254.169.254/32'],
    ['169.254.170.2', 'metadata', '169.254.170.2/32'],
    ['100.100.100.200', 'metadata', '100.100.100.200/32'],
    ['169.254.0.1', 'link-local', '169.254.0.0/16'],
    ['169.254.255.255', 'link-local', '169.254.0.0/16'],
    ['224.0.0.1', 'multicast', '224.0.0.0/4'],
    ['239.255.255.250', 'multicast', '224.0.0.0/4'],
    ['255.255.255.255', 'broadcast', '255.255.255.255/32'],
    ['240.0.0.1', 'reserved', '240.0.0.0/4'],
    ['192.0.2.10', 'reserved', '192.0.2.0/24'],
    ['198.18.0.1', 'reserved', '198.18.0.0/15'],
    // IPv6
    ['2001:4860:4860::8888', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::', 'unspecified', '::/128'],
    ['::1', 'loopback', '::1/128'],
    ['0:0:0:0:0:0:0:1', 'loopback', '::1/128'],
    ['fe80::1', 'link-local', 'fe80::/10'],
    ['fe80::1%eth0', 'link-local', 'fe80::/10'],
    ['febf:ffff::1', 'link-local', 'fe80::/10'],
    ['fd00:ec2::254', 'metadata', 'fd00:ec2::254/128'],
    ['fd00:ec2::253', 'private', 'fc00::/7'],
    ['fc00::1', 'private', 'fc00::/7'],
    ['fdff:ffff::1', 'private', 'fc00::/7'],
    ['ff02::1', 'multicast', 'ff00::/8'],
    ['2001:db8::1', 'reserved', '2001:db8::/32'],
    ['2001::1', 'reserved', '2001::/23'],
    ['::10.0.0.1', 'reserved', '::/96'],
    ['::0.0.0.1', 'loopback', '::1/128'],
    ['100::1', 'reserved', '100::/64'],
    ['fec0::1', 'reserved', 'fec0::/10'],
    ['4000::1', 'reserved', 'outside 2000::/3'],
    ['[::1]', 'loopback', '::1/128'],
  ])('%s is %s', (address, category, range) => {
    const found = classifyAddress(address);
    expect(found?.category).toBe(category);
    expect(found?.range).toBe(range);
  });

  it.each<[string, AddressCategory, string]>([
    // IPv4-mapped, dotted and hex (as the WHATWG URL parser writes it), count as the IPv4 address.
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['::ffff:169.254.169.254', 'metadata', '169.254.169.254'],
    ['::ffff:a9fe:a9fe', 'metadata', '169.254.169.254'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'metadata', '169.254.169.254'],
    ['::FFFF:A9FE:A9FE', 'metadata', '169.254.169.254'],
    ['::ffff:10.1.2.3', 'private', '10.1.2.3'],
    ['::ffff:a01:203', 'private', '10.1.2.3'],
    ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0'],
    ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
    // NAT64 and 6to4 carry an IPv4 address too.
    ['64:ff9b::a9fe:a9fe', 'metadata', '169.254.169.254'],
    ['64:ff9b::808:808', 'public', '8.8.8.8'],
    ['2002:7f00:1::1', 'loopback', '127.0.0.1'],
    ['2002:c0a8:101::1', 'private', '192.168.1.1'],
  ])('%s stands for %s (%s)', (address, category, ipv4) => {
    const found = classifyAddress(address);
    expect(found?.category).toBe(category);
    expect(found?.ipv4).toBe(ipv4);
  });

  it.each(['localhost', 'example.com', '', '1.2.3', '256.1.1.1', '::g', '1::2::3'])('%j is not an address', (text) => {
    expect(classifyAddress(text)).toBeUndefined();
  });
});

describe('parseCidr / inCidr', () => {
  it.each<[string, string, boolean]>([
    ['10.20.0.0/16', '10.20.255.1', true],
    ['10.20.0.0/16', '10.21.0.1', false],
    ['172.16.0.0/12', '172.31.0.1', true],
    ['172.16.0.0/12', '172.32.0.1', false],
    ['192.168.1.10', '192.168.1.10', true],
    ['192.168.1.10', '192.168.1.11', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['fd12:3456::/48', 'fd12:3456:0:1::5', true],
    ['fd12:3456::/48', 'fd12:3457::5', false],
    ['fd12:3456::/48', '10.0.0.1', false],
  ])('%s contains %s: %s', (network, address, expected) => {
    expect(inCidr(parseIp(address)!, parseCidr(network)!)).toBe(expected);
  });

  it.each(['10.0.0.0/33', '::/129', 'intranet', '10.0.0.0/', '10.0.0.0/a', '10.0.0.0/8/8'])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('createAddressPolicy', () => {
  const strict = createAddressPolicy({ allowLoopback: false, allowPrivate: false });
  const open = createAddressPolicy({ allowLoopback: true, allowPrivate: true });

  it('allows public addresses and nothing internal by default', () => {
    expect(strict.check('8.8.8.8')).toBeUndefined();
    expect(strict.check('2001:4860:4860::8888')).toBeUndefined();
    expect(strict.check('127.0.0.1')).toMatchObject({ rule: 'loopback' });
    expect(strict.check('::1')).toMatchObject({ rule: 'loopback' });
    expect(strict.check('10.0.0.1')).toMatchObject({ rule: 'private' });
    expect(strict.check('::ffff:a00:1')?.reason).toContain('written as IPv6');
  });

  it('opens loopback and private ranges only through their switches', () => {
    expect(createAddressPolicy({ allowLoopback: true, allowPrivate: false }).check('127.0.0.1')).toBeUndefined();
    expect(createAddressPolicy({ allowLoopback: true, allowPrivate: false }).check('192.168.0.1')).toMatchObject({ rule: 'private' });
    expect(createAddressPolicy({ allowLoopback: false, allowPrivate: true }).check('192.168.0.1')).toBeUndefined();
    expect(createAddressPolicy({ allowLoopback: false, allowPrivate: true }).check('127.0.0.1')).toMatchObject({ rule: 'loopback' });
  });

  it.each(['169.254.169.254', 'fd00:ec2::254', '::ffff:a9fe:a9fe', '169.254.1.1', 'fe80::1', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', '255.255.255.255', '240.0.0.1'])(
    'never allows %s, whatever the switches',
    (address) => {
      const refusal = open.check(address);
      expect(refusal).toBeDefined();
      expect(refusal?.reason).toContain('never allowed');
      expect(createAddressPolicy({ allowLoopback: true, allowPrivate: true, allowedNetworks: ['0.0.0.0/0', '::/0'] }).check(address)).toBeDefined();
    },
  );

  it('lets allowedNetworks open listed private networks only', () => {
    const listed = createAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedNetworks: ['10.20.0.0/16', 'fd12:3456::/48'] });
    expect(listed.check('10.20.1.2')).toBeUndefined();
    expect(listed.check('::ffff:10.20.1.2')).toBeUndefined();
    expect(listed.check('fd12:3456::9')).toBeUndefined();
    expect(listed.check('10.21.1.2')).toMatchObject({ rule: 'private' });
    expect(createAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedNetworks: ['127.0.0.0/8'] }).check('127.0.0.1')).toMatchObject({ rule: 'loopback' });
  });

  it('requires loopback for plain http', () => {
    expect(open.check('127.0.0.1', { requireLoopback: true })).toBeUndefined();
    expect(open.check('::ffff:127.0.0.1', { requireLoopback: true })).toBeUndefined();
    expect(open.check('8.8.8.8', { requireLoopback: true })).toMatchObject({ rule: 'not-loopback' });
    expect(open.check('10.0.0.1', { requireLoopback: true })).toMatchObject({ rule: 'not-loopback' });
  });
});
