import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Keyring, Logger } from '@keygate/core';
import { parseApiKey } from '@keygate/core/wire';
import type { ApiKeyStore } from '../auth/api-keys.js';
import { SYSTEM_PROVIDER_SLUG, type ProvidersService } from '../providers/providers-service.js';
import { slugify } from '../shared/refs.js';
import { ConfigError } from '../config/config-error.js';

export interface BootstrapOptions {
  tenant: { slug: string; name: string };
  bootstrapApiKey?: string;
  dataDir: string;
  staticProviders: Array<{ name: string; slug?: string; type: string; description?: string; configuration: Record<string, unknown> }>;
}

export interface BootstrapResult {
  tenantId: string;
  /** Set only when a key was generated on this start: printed once. */
  generatedApiKey?: string;
  generatedApiKeyFile?: string;
}

/**
 * First-start set-up, safe for several replicas starting together (one advisory lock): the default
 * tenant, its `Local` system provider, the static providers of keygate.yaml, and an admin key.
 */
export async function bootstrap(knex: Knex, keys: ApiKeyStore, providers: ProvidersService, options: BootstrapOptions, log: Logger): Promise<BootstrapResult> {
  return knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [0x6b657967]);
    let tenant = await trx('tenants').where({ slug: options.tenant.slug }).first<{ id: string } | undefined>('id');
    if (!tenant) {
      [tenant] = await trx('tenants').insert({ slug: options.tenant.slug, name: options.tenant.name }).returning<Array<{ id: string }>>('id');
      log.info('created tenant', { tenant: options.tenant.slug });
    }
    const tenantId = tenant!.id;

    const system = await trx('providers').where({ tenant_id: tenantId, slug: SYSTEM_PROVIDER_SLUG }).first('id');
    if (!system) {
      await providers.create(tenantId, { name: 'System', slug: SYSTEM_PROVIDER_SLUG, type: 'Local', description: 'Embedded provider: values encrypted in Keygate\'s PostgreSQL' }, { isSystem: true, trx });
    }

    // Static providers are kept in step with keygate.yaml, matched by slug (derived from the name when omitted).
    for (const spec of options.staticProviders) {
      const slug = spec.slug ?? slugify(spec.name, 'provider');
      const existing = await trx('providers').where({ tenant_id: tenantId, slug }).first<{ type: string } | undefined>('type');
      if (!existing) {
        await providers.create(tenantId, { ...spec, slug }, { trx });
        log.info('created static provider', { provider: slug, type: spec.type });
      } else if (existing.type !== spec.type) {
        throw new ConfigError([{ path: 'providers', message: `provider "${slug}" exists with type ${existing.type}, not ${spec.type}; the type of a provider cannot change` }]);
      } else {
        await providers.update(tenantId, slug, { name: spec.name, configuration: spec.configuration, ...(spec.description === undefined ? {} : { description: spec.description }) }, trx);
      }
    }

    const result: BootstrapResult = { tenantId };
    if (options.bootstrapApiKey) {
      const material = parseApiKey(options.bootstrapApiKey)!;
      if (!(await keys.exists(material.keyId, trx))) {
        await keys.create({ tenantId, scope: 'tenant', role: 'Owner', clientName: 'bootstrap', description: 'from KEYGATE_BOOTSTRAP_API_KEY', material }, trx);
        log.info('registered the bootstrap API key', { keyId: material.keyId });
      }
      return result;
    }
    const anyKey = await trx('api_keys').where({ tenant_id: tenantId }).first('id');
    if (!anyKey) {
      const created = await keys.create({ tenantId, scope: 'tenant', role: 'Owner', clientName: 'bootstrap', description: 'generated at first start' }, trx);
      const file = join(options.dataDir, 'bootstrap-api-key');
      await writeFile(file, `${created.apiKey}\n`, { mode: 0o600 });
      result.generatedApiKey = created.apiKey;
      result.generatedApiKeyFile = file;
    }
    return result;
  });
}

/** A random key for the audit trail's value HMACs, stored encrypted; the same on every replica. */
export async function loadAuditHmacKey(knex: Knex, keyring: Keyring): Promise<Buffer> {
  const name = 'audit.hmacKey';
  await knex('host_settings')
    .insert({ name, value: keyring.encrypt(randomBytes(32).toString('base64'), name) })
    .onConflict('name')
    .ignore();
  const row = await knex('host_settings').where({ name }).first<{ value: string }>('value');
  return Buffer.from(keyring.decrypt(row!.value, name), 'base64');
}
