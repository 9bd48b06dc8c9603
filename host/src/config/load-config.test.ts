import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKeygateError } from '@keygate/core';
import { ConfigError } from './config-error.js';
import { loadConfig, parseConfig } from './load-config.js';
import { keygateConfigSchema } from './schema.js';
import { compileValidator } from '../validation/json-schema.js';
import type { KeygateConfig } from './types.js';

const VALID_BOOTSTRAP_KEY = `bax-${'a'.repeat(32)}-${'b'.repeat(64)}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keygate-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadYaml(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<KeygateConfig> {
  await writeFile(join(dir, 'keygate.yaml'), yaml);
  return loadConfig({ cwd: dir, env });
}

/** The problems of the ConfigError that `promise` rejects with, one message line each. */
async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message.split('\n');
}

describe('loadConfig: defaults', () => {
  it('runs on defaults when there is no keygate.yaml', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config).toEqual({
      server: {
        port: 8080,
        host: '0.0.0.0',
        bodyLimit: '1mb',
        bodyLimitBytes: 1024 * 1024,
        requestTimeoutMs: 30_000,
        shutdownTimeoutMs: 10_000,
        responseValidation: true,
        e2eeWorker: false,
        trustProxy: false,
      },
      dataDir: join(dir, '.keygate'),
      database: { poolMax: 10, embedded: {} },
      plugins: [
        { package: '@keygate/provider-local', options: {}, source: 'plugins (system provider, always loaded)' },
        { package: '@keygate/rotation-generate-random', options: {}, source: 'plugins (built-in rotation strategy, always loaded)' },
        { package: '@keygate/rotation-http-webhook', options: {}, source: 'plugins (built-in rotation strategy, always loaded)' },
        { package: '@keygate/provider-http-rest', options: {}, source: 'plugins (built-in provider, always loaded)' },
        { package: '@keygate/identity-github', options: {}, source: 'plugins (built-in identity provider, always loaded)' },
        { package: '@keygate/identity-kubernetes', options: {}, source: 'plugins (built-in identity provider, always loaded)' },
        { package: '@keygate/identity-oidc', options: {}, source: 'plugins (built-in identity provider, always loaded)' },
      ],
      providers: [],
      security: { authFailures: { maxPerIp: 30, windowSeconds: 300 } },
      outbound: { allowLoopback: false, allowPrivate: false, connectTimeoutMs: 5000, timeoutMs: 15_000, maxResponseBytes: 5 * 1024 * 1024, allowedNetworks: [] },
      secrets: { maxValueBytes: 64 * 1024, responseCacheBytes: 16 * 1024 * 1024 },
      providerTimeoutMs: 10_000,
      rotation: { scheduler: true, sweepIntervalMinutes: 15, processEveryMs: 1000, concurrency: 8, maxAttempts: 5, retryBaseDelayMs: 1000, signingSecretGraceHours: 24 },
      logging: { level: 'info', format: 'json' },
      tenant: { slug: 'default', name: 'Default' },
    });
  });

  it('treats an empty file and empty sections as defaults', async () => {
    expect((await loadYaml('')).server.port).toBe(8080);
    const config = await loadYaml('server:\n  # port: 9000\nlogging:\n');
    expect(config.server.port).toBe(8080);
    expect(config.logging.level).toBe('info');
  });

  it('reads ./keygate.yaml and records which file it read', async () => {
    const config = await loadYaml('server:\n  port: 9000\n');
    expect(config.server.port).toBe(9000);
    expect(config.configFile).toBe(join(dir, 'keygate.yaml'));
  });

  it('reads the file named by KEYGATE_CONFIG, relative to cwd', async () => {
    await writeFile(join(dir, 'prod.yaml'), 'server:\n  port: 9100\n');
    const config = await loadConfig({ cwd: dir, env: { KEYGATE_CONFIG: 'prod.yaml' } });
    expect(config.server.port).toBe(9100);
  });

  it('prefers the path option over KEYGATE_CONFIG', async () => {
    await writeFile(join(dir, 'a.yaml'), 'server:\n  port: 9001\n');
    await writeFile(join(dir, 'b.yaml'), 'server:\n  port: 9002\n');
    const config = await loadConfig({ cwd: dir, path: join(dir, 'a.yaml'), env: { KEYGATE_CONFIG: 'b.yaml' } });
    expect(config.server.port).toBe(9001);
  });

  it('refuses an explicitly named file that does not exist', async () => {
    expect(await problemsOf(loadConfig({ cwd: dir, env: { KEYGATE_CONFIG: 'missing.yaml' } }))).toEqual([
      `missing.yaml: the configuration file ${join(dir, 'missing.yaml')} (named by KEYGATE_CONFIG) does not exist`,
    ]);
    await expect(loadConfig({ cwd: dir, env: {}, path: 'nope.yaml' })).rejects.toThrow(/nope\.yaml does not exist/);
  });

  it('resolves dataDir against cwd and keeps absolute paths', async () => {
    expect((await loadYaml('dataDir: data/keygate\n')).dataDir).toBe(join(dir, 'data/keygate'));
    expect((await loadYaml('dataDir: /var/lib/keygate\n')).dataDir).toBe('/var/lib/keygate');
  });
});

describe('loadConfig: YAML', () => {
  it('reports syntax errors with line and column, without the source text', async () => {
    const problems = await problemsOf(loadYaml('server:\n  port: 8080\n  host: "unterminated\nsecurity:\n  masterKey: hunter2\n'));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^keygate\.yaml: line \d+, column \d+: /);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses duplicate keys', async () => {
    const problems = await problemsOf(loadYaml('server:\n  port: 1\n  port: 2\n'));
    expect(problems[0]).toMatch(/^keygate\.yaml: line 3, column 3: .*unique/i);
  });

  it('refuses a file that is not a mapping', async () => {
    expect(await problemsOf(loadYaml('- a\n- b\n'))).toEqual(['keygate.yaml: must be a mapping of settings (such as "server:"), not a list or a single value']);
  });
});

describe('loadConfig: ${VAR} interpolation', () => {
  it('substitutes variables, defaults and escapes in string values', async () => {
    const config = await loadYaml(
      [
        'server:',
        '  host: ${BIND_HOST}',
        '  port: ${APP_PORT:-9000}',
        'database:',
        '  url: postgres://${DB_USER:-keygate}:${DB_PASSWORD}@db:5432/keygate',
        'tenant:',
        '  name: "Costs $${HOME} and ${EMPTY:-fallback}"',
      ].join('\n'),
      { BIND_HOST: '127.0.0.1', DB_PASSWORD: 'p@ss: #word', EMPTY: '' },
    );
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(9000);
    expect(config.database.url).toBe('postgres://keygate:p@ss: #word@db:5432/keygate');
    expect(config.tenant.name).toBe('Costs ${HOME} and fallback');
  });

  it('names every missing variable and the key that uses it', async () => {
    const problems = await problemsOf(loadYaml('server:\n  host: ${BIND_HOST}\nproviders:\n  - name: v\n    type: Vault\n    configuration:\n      token: ${VAULT_TOKEN}\n'));
    expect(problems).toEqual([
      'keygate.yaml: server.host: environment variable "BIND_HOST" is not set (give a default with ${BIND_HOST:-default})',
      'keygate.yaml: providers[0].configuration.token: environment variable "VAULT_TOKEN" is not set (give a default with ${VAULT_TOKEN:-default})',
    ]);
  });

  it('refuses malformed references without echoing them', async () => {
    const problems = await problemsOf(loadYaml('security:\n  masterKey: "${not a name}"\ntenant:\n  name: "${OPEN"\n'));
    expect(problems).toEqual([
      'keygate.yaml: security.masterKey: has a "${…}" that is not ${NAME} or ${NAME:-default} (write "$${" for a literal "${")',
      'keygate.yaml: tenant.name: has a "${" without its closing "}" (write "$${" for a literal "${")',
    ]);
  });

  it('treats a setting that is only an empty substitution as not set', async () => {
    const config = await loadYaml('security:\n  bootstrapApiKey: ${BOOTSTRAP:-}\ntenant:\n  name: "${TENANT_NAME}"\n', { TENANT_NAME: '' });
    expect(config.security).toEqual({ authFailures: { maxPerIp: 30, windowSeconds: 300 } });
    expect(config.tenant.name).toBe('Default');
  });

  it('does not interpolate keys', async () => {
    const config = await loadYaml('providers:\n  - name: p\n    type: Vault\n    configuration:\n      "${KEY}": value\n', { KEY: 'x' });
    expect(config.providers[0]!.configuration).toEqual({ '${KEY}': 'value' });
  });
});

describe('loadConfig: environment overrides', () => {
  it('applies every documented variable over the file', async () => {
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const config = await loadYaml('server:\n  port: 9000\nlogging:\n  level: debug\n', {
      PORT: '7000',
      DATABASE_URL: 'postgres://u:p@h/db',
      KEYGATE_DATA_DIR: '/srv/keygate',
      KEYGATE_BOOTSTRAP_API_KEY: VALID_BOOTSTRAP_KEY,
      KEYGATE_MASTER_KEY: masterKey,
      KEYGATE_OUTBOUND_ALLOW_LOOPBACK: 'true',
      KEYGATE_LOG_LEVEL: 'warn',
      KEYGATE_LOG_FORMAT: 'pretty',
    });
    expect(config.server.port).toBe(7000);
    expect(config.database.url).toBe('postgres://u:p@h/db');
    expect(config.dataDir).toBe('/srv/keygate');
    expect(config.security).toEqual({ bootstrapApiKey: VALID_BOOTSTRAP_KEY, masterKey, authFailures: { maxPerIp: 30, windowSeconds: 300 } });
    expect(config.outbound.allowLoopback).toBe(true);
    expect(config.logging).toEqual({ level: 'warn', format: 'pretty' });
  });

  it('ignores empty variables', async () => {
    const config = await loadYaml('server:\n  port: 9000\n', { PORT: '' });
    expect(config.server.port).toBe(9000);
  });

  it('reports a bad value against the variable that set it', async () => {
    expect(await problemsOf(loadYaml('', { PORT: 'eighty', KEYGATE_LOG_LEVEL: 'loud', KEYGATE_OUTBOUND_ALLOW_LOOPBACK: 'maybe' }))).toEqual([
      'keygate.yaml: server.port: must be an integer (set by environment variable PORT)',
      'keygate.yaml: outbound.allowLoopback: must be a boolean (true or false) (set by environment variable KEYGATE_OUTBOUND_ALLOW_LOOPBACK)',
      'keygate.yaml: logging.level: must be one of "debug", "info", "warn", "error", "silent" (set by environment variable KEYGATE_LOG_LEVEL)',
    ]);
  });
});

describe('loadConfig: validation', () => {
  it('lists every problem, with "did you mean" for typos', async () => {
    const problems = await problemsOf(
      loadYaml(
        [
          'sever:',
          '  port: 1',
          'server:',
          '  prot: 8080',
          '  requestTimeoutMs: -5',
          'database:',
          '  url: mysql://nope',
          'plugins:',
          '  - packge: "@acme/x"',
          'logging:',
          '  format: xml',
        ].join('\n'),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'keygate.yaml: unknown field "sever" (did you mean "server"?)',
        'keygate.yaml: server: unknown field "prot" (did you mean "port"?)',
        'keygate.yaml: server.requestTimeoutMs: must be >= 1',
        'keygate.yaml: database.url: must match the pattern ^postgres(ql)?:// (for example "postgres://user:password@host:5432/keygate")',
        'keygate.yaml: plugins[0].package: is required',
        'keygate.yaml: plugins[0]: unknown field "packge" (did you mean "package"?)',
        'keygate.yaml: logging.format: must be one of "json", "pretty"',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('raises a typed INVALID_CONFIGURATION error with the problems attached', async () => {
    const error = await loadYaml('server:\n  port: 70000\n').catch((rejection: unknown) => rejection);
    expect(isKeygateError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION', problems: [{ path: 'server.port', message: 'must be <= 65535' }] });
  });

  it('names the file in messages', async () => {
    await writeFile(join(dir, 'staging.yaml'), 'logging:\n  levle: debug\n');
    expect(await problemsOf(loadConfig({ cwd: dir, env: {}, path: 'staging.yaml' }))).toEqual([
      'staging.yaml: logging: unknown field "levle" (did you mean "level"?)',
    ]);
  });

  it('checks the bootstrap API key format without echoing the key', async () => {
    const problems = await problemsOf(loadYaml('security:\n  bootstrapApiKey: bax-TOPSECRETVALUE\n'));
    expect(problems).toEqual(['keygate.yaml: security.bootstrapApiKey: must match the pattern ^bax-[0-9a-f]{32}-[0-9a-f]{64}$']);
    expect(problems.join()).not.toContain('TOPSECRETVALUE');
    expect((await loadYaml(`security:\n  bootstrapApiKey: ${VALID_BOOTSTRAP_KEY}\n`)).security.bootstrapApiKey).toBe(VALID_BOOTSTRAP_KEY);
  });

  it('accepts quoted numbers and booleans, as interpolation produces them', async () => {
    const config = await loadYaml('server:\n  port: "9000"\n  responseValidation: "false"\n');
    expect(config.server.port).toBe(9000);
    expect(config.server.responseValidation).toBe(false);
  });

  it('checks the master key settings together', async () => {
    const key = Buffer.alloc(32).toString('base64');
    expect(await problemsOf(loadYaml(`security:\n  masterKey: ${key}\n  masterKeys:\n    k1: ${key}\n`))).toEqual([
      'keygate.yaml: security: set either masterKey (or KEYGATE_MASTER_KEY) or masterKeys, not both',
    ]);
    expect(await problemsOf(loadYaml(`security:\n  masterKeys:\n    k1: ${key}\n    k2: ${key}\n`))).toEqual([
      'keygate.yaml: security.activeKeyId: is required when masterKeys holds more than one key (it names the key that encrypts new values)',
    ]);
    expect(await problemsOf(loadYaml(`security:\n  masterKeys:\n    k1: ${key}\n  activeKeyId: k9\n`))).toEqual([
      'keygate.yaml: security.activeKeyId: "k9" is not one of masterKeys (k1)',
    ]);
    expect(await problemsOf(loadYaml(`security:\n  activeKeyId: k1\n`))).toEqual(['keygate.yaml: security.activeKeyId: is only used together with masterKeys']);
    expect(await problemsOf(loadYaml(`security:\n  masterKeys: {}\n`))).toEqual(['keygate.yaml: security.masterKeys: must hold at least one key']);
  });
});

describe('loadConfig: outbound.allowedNetworks', () => {
  it('accepts CIDRs and single addresses, and defaults to none', async () => {
    expect((await loadYaml('')).outbound.allowedNetworks).toEqual([]);
    const config = await loadYaml('outbound:\n  allowedNetworks: ["10.20.0.0/16", "fd12:3456::/48", "192.168.1.10"]\n');
    expect(config.outbound.allowedNetworks).toEqual(['10.20.0.0/16', 'fd12:3456::/48', '192.168.1.10']);
  });

  it('names each entry that is not a network', async () => {
    expect(await problemsOf(loadYaml('outbound:\n  allowedNetworks: ["10.0.0.0/8", "intranet.example", "10.0.0.0/33"]\n'))).toEqual([
      'keygate.yaml: outbound.allowedNetworks[1]: must be an IP network in CIDR notation (10.20.0.0/16, fd12:3456::/48) or a single IP address',
      'keygate.yaml: outbound.allowedNetworks[2]: must be an IP network in CIDR notation (10.20.0.0/16, fd12:3456::/48) or a single IP address',
    ]);
  });
});

describe('loadConfig: server.bodyLimit', () => {
  it.each([
    ['512kb', 512 * 1024],
    ['1mb', 1024 * 1024],
    ['1.5MB', 1.5 * 1024 * 1024],
    ['100', 100],
    [2048, 2048],
  ])('parses %s', async (limit, bytes) => {
    const config = await loadYaml(`server:\n  bodyLimit: ${typeof limit === 'string' ? JSON.stringify(limit) : limit}\n`);
    expect(config.server.bodyLimit).toBe(limit);
    expect(config.server.bodyLimitBytes).toBe(bytes);
  });

  it('refuses a size it cannot read', async () => {
    expect(await problemsOf(loadYaml('server:\n  bodyLimit: lots\n'))).toEqual([
      'keygate.yaml: server.bodyLimit: must match the pattern ^[0-9]+(\\.[0-9]+)? *([bB]|[kKmMgG][bB])?$ (for example "512kb" or "1mb")',
    ]);
  });
});

describe('loadConfig: plugins and providers', () => {
  it('loads the bundled plugins first when the list omits them', async () => {
    const config = await loadYaml('plugins:\n  - package: "@acme/keygate-provider-x"\n    options:\n      region: eu\n');
    expect(config.plugins).toEqual([
      { package: '@keygate/provider-local', options: {}, source: 'plugins (system provider, always loaded)' },
      { package: '@keygate/rotation-generate-random', options: {}, source: 'plugins (built-in rotation strategy, always loaded)' },
      { package: '@keygate/rotation-http-webhook', options: {}, source: 'plugins (built-in rotation strategy, always loaded)' },
      { package: '@keygate/provider-http-rest', options: {}, source: 'plugins (built-in provider, always loaded)' },
      { package: '@keygate/identity-github', options: {}, source: 'plugins (built-in identity provider, always loaded)' },
      { package: '@keygate/identity-kubernetes', options: {}, source: 'plugins (built-in identity provider, always loaded)' },
      { package: '@keygate/identity-oidc', options: {}, source: 'plugins (built-in identity provider, always loaded)' },
      { package: '@acme/keygate-provider-x', options: { region: 'eu' }, source: 'plugins[0]' },
    ]);
  });

  it('keeps a listed system provider where it is, with its options', async () => {
    const config = await loadYaml('plugins:\n  - package: "@acme/x"\n  - package: "@keygate/provider-local"\n    options: {a: 1}\n');
    expect(config.plugins.map((entry) => [entry.package, entry.options])).toEqual([
      ['@keygate/rotation-generate-random', {}],
      ['@keygate/rotation-http-webhook', {}],
      ['@keygate/provider-http-rest', {}],
      ['@keygate/identity-github', {}],
      ['@keygate/identity-kubernetes', {}],
      ['@keygate/identity-oidc', {}],
      ['@acme/x', {}],
      ['@keygate/provider-local', { a: 1 }],
    ]);
  });

  it('refuses a plugin listed twice', async () => {
    expect(await problemsOf(loadYaml('plugins:\n  - package: a\n  - package: b\n  - package: a\n'))).toEqual([
      'keygate.yaml: plugins[2].package: "a" is already listed at plugins[0]',
    ]);
  });

  it('parses static providers with an empty configuration by default', async () => {
    const config = await loadYaml(
      'providers:\n  - name: Vault prod\n    slug: vault-prod\n    type: Vault\n    configuration:\n      address: https://vault\n  - name: Files\n    type: Local\n',
    );
    expect(config.providers).toEqual([
      { name: 'Vault prod', slug: 'vault-prod', type: 'Vault', configuration: { address: 'https://vault' } },
      { name: 'Files', type: 'Local', configuration: {} },
    ]);
  });

  it('refuses duplicate, reserved and malformed provider names', async () => {
    expect(
      await problemsOf(loadYaml('providers:\n  - {name: a, type: T, slug: system}\n  - {name: a, type: T, slug: Bad_Slug}\n  - {name: b}\n')),
    ).toEqual([
      'keygate.yaml: providers[1].slug: must match the pattern ^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$ (for example "vault-prod")',
      'keygate.yaml: providers[2].type: is required',
    ]);
    expect(await problemsOf(loadYaml('providers:\n  - {name: a, type: T, slug: system}\n  - {name: a, type: T, slug: x}\n'))).toEqual([
      'keygate.yaml: providers[0].slug: "system" is reserved for the built-in Local provider',
      'keygate.yaml: providers[1].name: "a" is already used by providers[0]',
    ]);
  });
});

describe('host/CONFIG.md', () => {
  it('has a complete example that loads and sets every key', async () => {
    const markdown = await readFile(fileURLToPath(new URL('../../CONFIG.md', import.meta.url)), 'utf8');
    const example = /## A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(markdown)?.[1];
    expect(example).toBeDefined();
    const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
    const config = await loadYaml(example!, { DB_PASSWORD: 'pw', VAULT_TOKEN: 't', KEYGATE_MASTER_KEY_K1: key(1), KEYGATE_MASTER_KEY_K2: key(2) });
    expect(config.database.url).toBe('postgres://keygate:pw@db.internal:5432/keygate');
    expect(config.security.activeKeyId).toBe('k2');
    expect(config.security.bootstrapApiKey).toBeUndefined();
    expect(config.plugins.map((plugin) => plugin.package)).toEqual([
      '@keygate/rotation-generate-random',
      '@keygate/rotation-http-webhook',
      '@keygate/provider-http-rest',
      '@keygate/identity-github',
      '@keygate/identity-kubernetes',
      '@keygate/identity-oidc',
      '@keygate/provider-local',
      '@keygate/provider-vault',
      './plugins/acme-notifier.mjs',
    ]);
    for (const section of Object.keys(keygateConfigSchema.properties!)) expect(example).toMatch(new RegExp(`^${section}:`, 'm'));
  });
});

describe('parseConfig', () => {
  it('validates an in-memory document, for tests and embedding', () => {
    const config = parseConfig({ server: { port: 0 } }, { env: {}, cwd: '/tmp' });
    expect(config.server.port).toBe(0);
    expect(config.dataDir).toBe('/tmp/.keygate');
    expect(() => parseConfig({ server: { port: 'x' } }, { env: {} })).toThrow('keygate.yaml: server.port: must be an integer');
  });

  it('names the key of a bad E2EE worker or response cache setting', () => {
    expect(() => parseConfig({ server: { e2eeWorker: 'sometimes' } }, { env: {} })).toThrow('server.e2eeWorker: must be a boolean (true or false)');
    expect(() => parseConfig({ secrets: { responseCacheBytes: -1 } }, { env: {} })).toThrow('secrets.responseCacheBytes: must be >= 0');
    expect(() => parseConfig({ secrets: { responseCacheBytes: 2 * 1024 ** 3 } }, { env: {} })).toThrow('secrets.responseCacheBytes: must be <= 1073741824');
    expect(parseConfig({ secrets: { responseCacheBytes: 0 }, server: { e2eeWorker: true } }, { env: {} })).toMatchObject({ secrets: { responseCacheBytes: 0 }, server: { e2eeWorker: true } });
  });
});

describe('the configuration schema', () => {
  it('passes the strict JSON Schema compiler, which the start-up skips for it', () => {
    expect(() => compileValidator(keygateConfigSchema)).not.toThrow();
    // The strict compiler would have caught a typo in it.
    const typo = { type: 'object', properties: { port: { tpye: 'integer' } } } as unknown as Parameters<typeof compileValidator>[0];
    expect(() => compileValidator(typo)).toThrow(/invalid JSON Schema/);
  });
});
