import type { ConfigProblem } from './config-error.js';
import type { KeygateConfig } from './types.js';
import { parseCidr } from '../outbound/ip-address.js';

type Checked = Pick<KeygateConfig, 'security' | 'plugins' | 'providers'> & { outbound?: Pick<KeygateConfig['outbound'], 'allowedNetworks'> };

/** Rules that involve several fields, which JSON Schema expresses poorly or with unclear messages. */
export function crossCheck(config: Checked): ConfigProblem[] {
  return [...checkMasterKeys(config.security), ...checkDuplicatePlugins(config.plugins), ...checkStaticProviders(config.providers), ...checkAllowedNetworks(config.outbound?.allowedNetworks ?? [])];
}

function checkAllowedNetworks(networks: readonly string[]): ConfigProblem[] {
  return networks.flatMap((network, index) =>
    parseCidr(network) ? [] : [{ path: `outbound.allowedNetworks[${index}]`, message: 'must be an IP network in CIDR notation (10.20.0.0/16, fd12:3456::/48) or a single IP address' }],
  );
}

function checkMasterKeys(security: KeygateConfig['security']): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { masterKey, masterKeys, activeKeyId } = security;
  if (masterKey !== undefined && masterKeys !== undefined) {
    problems.push({ path: 'security', message: 'set either masterKey (or KEYGATE_MASTER_KEY) or masterKeys, not both' });
  }
  if (masterKeys === undefined) {
    if (activeKeyId !== undefined) problems.push({ path: 'security.activeKeyId', message: 'is only used together with masterKeys' });
    return problems;
  }
  const ids = Object.keys(masterKeys);
  if (ids.length === 0) problems.push({ path: 'security.masterKeys', message: 'must hold at least one key' });
  else if (activeKeyId === undefined && ids.length > 1) {
    problems.push({ path: 'security.activeKeyId', message: 'is required when masterKeys holds more than one key (it names the key that encrypts new values)' });
  } else if (activeKeyId !== undefined && !ids.includes(activeKeyId)) {
    problems.push({ path: 'security.activeKeyId', message: `"${activeKeyId}" is not one of masterKeys (${ids.join(', ')})` });
  }
  return problems;
}

function checkDuplicatePlugins(plugins: KeygateConfig['plugins']): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const first = new Map<string, number>();
  plugins.forEach((entry, index) => {
    const earlier = first.get(entry.package);
    if (earlier === undefined) first.set(entry.package, index);
    else problems.push({ path: `plugins[${index}].package`, message: `"${entry.package}" is already listed at plugins[${earlier}]` });
  });
  return problems;
}

function checkStaticProviders(providers: KeygateConfig['providers']): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Map<string, number>();
  const slugs = new Map<string, number>();
  providers.forEach((provider, index) => {
    const earlierName = names.get(provider.name);
    if (earlierName === undefined) names.set(provider.name, index);
    else problems.push({ path: `providers[${index}].name`, message: `"${provider.name}" is already used by providers[${earlierName}]` });
    if (provider.slug === undefined) return;
    // Every tenant's built-in Local provider has the slug `system`.
    if (provider.slug === 'system') problems.push({ path: `providers[${index}].slug`, message: '"system" is reserved for the built-in Local provider' });
    const earlierSlug = slugs.get(provider.slug);
    if (earlierSlug === undefined) slugs.set(provider.slug, index);
    else problems.push({ path: `providers[${index}].slug`, message: `"${provider.slug}" is already used by providers[${earlierSlug}]` });
  });
  return problems;
}
