import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { decodeJwt } from 'jose';
import { isKeygateError, KeygateError, type IdentityCheck, type IdentityProvider, type IdentityProviderType, type Logger, type PluginServices, type VerifiedIdentity } from '@keygate/core';
import { isIdentityRejection, tokenIdOf } from '@keygate/core/identity';
import type { AuditLog } from '../audit/audit-log.js';
import type { ApiKeyStore } from '../auth/api-keys.js';
import type { RequestContext } from '../http/request-context.js';
import { SeenWorkloadTokens } from './seen-tokens.js';
import { TrustDomainStore, type TrustDomainCandidate, type TrustDomainRecord } from './trust-domains-store.js';
import { TrustDomainInputs } from './trust-domain-input.js';
import { ExchangeKeyIssuer } from './key-issuer.js';

export type PublicContext = Omit<RequestContext, 'principal'>;

export interface ExchangeRequest {
  token: string;
  /** Only the trust domains of this identity provider type (`/trust/exchange`). */
  provider?: string;
  tenantSlug?: string;
  projectSlug?: string;
  environmentSlug?: string;
}

export interface ExchangeResult {
  apiKey: string;
  expiresAt: string;
  projectSlug: string;
  environmentSlug: string;
}

export interface DomainVerdict {
  domain: TrustDomainRecord;
  identity?: VerifiedIdentity;
  reason: string | null;
  checks: IdentityCheck[];
}

export interface Evaluation {
  accepted: boolean;
  trustDomainId: string | null;
  replayed: boolean;
  domains: Array<{ id: string; name: string; provider: string; accepted: boolean; reason: string | null; checks: IdentityCheck[] }>;
}

interface Deps {
  knex: Knex;
  keys: ApiKeyStore;
  audit: AuditLog;
  logger: Logger;
  types: ReadonlyMap<string, IdentityProviderType>;
  pluginServices: PluginServices;
}

const MINUTE_MS = 60_000;
const MAX_ISSUER_LENGTH = 500;

/**
 * Keyless workload identity: trust domains, and the exchange of a workload's OIDC token for a
 * short-lived environment key. Verification is the identity provider plugins' (one instance per
 * type, so one JWKS cache per type); selection, replay refusal, key issuance and audit are here.
 */
export class WorkloadIdentity {
  readonly domains: TrustDomainStore;
  readonly inputs: TrustDomainInputs;
  readonly #deps: Deps;
  readonly #seen: SeenWorkloadTokens;
  readonly #issuer: ExchangeKeyIssuer;
  readonly #providers = new Map<string, Promise<IdentityProvider>>();

  constructor(deps: Deps) {
    this.#deps = deps;
    this.domains = new TrustDomainStore(deps.knex);
    this.inputs = new TrustDomainInputs(deps.types);
    this.#seen = new SeenWorkloadTokens(deps.knex);
    this.#issuer = new ExchangeKeyIssuer({ knex: deps.knex, keys: deps.keys, audit: deps.audit });
  }

  #provider(type: string): Promise<IdentityProvider> {
    let provider = this.#providers.get(type);
    if (!provider) {
      const providerType = this.#deps.types.get(type);
      if (!providerType) return Promise.reject(new KeygateError('INVALID_CONFIGURATION', `identity provider "${type}" is not loaded (add its plugin to keygate.yaml)`));
      provider = providerType.create(this.#deps.pluginServices);
      // A factory that failed is retried on the next request rather than cached broken.
      provider.catch(() => this.#providers.delete(type));
      this.#providers.set(type, provider);
    }
    return provider;
  }

  /** One domain's verdict on the token; never throws for a token the domain refuses. */
  async #judge(domain: TrustDomainRecord, token: string): Promise<DomainVerdict> {
    try {
      const provider = await this.#provider(domain.provider);
      const identity = await provider.verify(token, { issuer: domain.issuer, audience: domain.audience, claimRules: domain.claimRules, settings: domain.settings });
      return { domain, identity, reason: null, checks: identity.checks ?? [] };
    } catch (error) {
      if (isIdentityRejection(error)) return { domain, reason: error.reason, checks: error.checks };
      // A plugin's typed error says what went wrong; anything else stays inside.
      const detail = isKeygateError(error) ? error.message : 'the identity provider failed';
      if (!isKeygateError(error)) this.#deps.logger.error('identity provider failed', { provider: domain.provider, error: error instanceof Error ? error.message : String(error) });
      return { domain, reason: 'provider-error', checks: [{ check: 'provider', passed: false, detail }] };
    }
  }

  /** Exchanges a workload token for a key; refusals are audited and answered 401 with a reason code. */
  async exchange(request: ExchangeRequest, ctx: PublicContext): Promise<ExchangeResult> {
    const issuer = unverifiedIssuer(request.token);
    if (issuer === undefined) return this.#refuse(ctx, request, [], 'malformed', undefined);
    const candidates = await this.domains.candidates({
      issuer,
      ...(request.provider === undefined ? {} : { provider: request.provider }),
      ...(request.tenantSlug === undefined ? {} : { tenantSlug: request.tenantSlug }),
      ...(request.projectSlug === undefined ? {} : { projectSlug: request.projectSlug }),
      ...(request.environmentSlug === undefined ? {} : { environmentSlug: request.environmentSlug }),
    });
    if (candidates.length === 0) return this.#refuse(ctx, request, [], 'no-trust-domain', issuer);

    const verdicts: DomainVerdict[] = [];
    for (const candidate of candidates) verdicts.push(await this.#judge(candidate, request.token));
    const accepted = verdicts.filter((verdict) => verdict.identity !== undefined);
    if (accepted.length === 0) {
      // The reason of the domain the token came closest to satisfying (the first of equals).
      const closest = verdicts.reduce((best, verdict) => (passedChecks(verdict) > passedChecks(best) ? verdict : best));
      return this.#refuse(ctx, request, verdicts, closest.reason ?? 'no-matching-domain', issuer);
    }
    const environments = new Map(accepted.map((verdict) => [verdict.domain.environmentId, verdict.domain as TrustDomainCandidate]));
    if (environments.size > 1) {
      const where = [...environments.values()].map((domain) => `${domain.projectSlug}/${domain.environmentSlug}`).join(', ');
      await this.#auditRefusal(ctx, request, verdicts, 'ambiguous', issuer);
      throw new KeygateError('INVALID_INPUT', `the token is accepted by trust domains of several environments (${where}); name projectSlug and environmentSlug`);
    }

    const chosen = accepted[0]!;
    const domain = chosen.domain as TrustDomainCandidate;
    const identity = chosen.identity!;
    const tokenId = boundedTokenId(identity.tokenId ?? tokenIdOf(identity.claims, request.token));
    const expiresAt = new Date(Date.now() + domain.issuedTokenTtlMinutes * MINUTE_MS);
    // The token id, the key and the audit row commit together (see ExchangeKeyIssuer): which of two
    // concurrent exchanges of one token wins is decided by the token id's row, on every replica.
    const outcome = await this.#issuer.issue({
      issuer,
      tokenId,
      tokenExpiresAt: identity.expiresAt,
      trustDomainId: domain.id,
      key: {
        tenantId: domain.tenantId,
        scope: 'environment',
        role: domain.grantedRole,
        projectId: domain.projectId,
        environmentId: domain.environmentId,
        clientName: `trust-domain:${domain.name}`.slice(0, 200),
        description: `${domain.provider} ${identity.subject}`.slice(0, 2000),
        expiresAt,
      },
      audit: ({ keyPrefix }) => ({
        tenantId: domain.tenantId,
        actorType: 'anonymous',
        actorId: actorOf(identity.subject),
        action: 'trust.exchange',
        targetType: 'trust-domain',
        target: domain.id,
        outcome: 'success',
        status: 200,
        requestId: ctx.requestId,
        ip: ctx.ip,
        details: { provider: domain.provider, trustDomain: domain.name, issuer, subject: identity.subject, tokenId, keyPrefix, role: domain.grantedRole, expiresAt: expiresAt.toISOString() },
        projectId: domain.projectId,
        environmentId: domain.environmentId,
      }),
    });
    if (!outcome.issued) return this.#refuse(ctx, request, [{ ...chosen, reason: 'replayed' }], 'replayed', issuer);
    const created = outcome.created;
    this.#seen.sweep().catch((error: unknown) => this.#deps.logger.warn('sweeping seen workload tokens failed', { error: String(error) }));
    const until = new Date(created.expiresAt ?? expiresAt).toISOString();
    return { apiKey: created.apiKey, expiresAt: until, projectSlug: domain.projectSlug, environmentSlug: domain.environmentSlug };
  }

  async #refuse(ctx: PublicContext, request: ExchangeRequest, verdicts: DomainVerdict[], reason: string, issuer: string | undefined): Promise<never> {
    await this.#auditRefusal(ctx, request, verdicts, reason, issuer);
    throw new KeygateError('UNAUTHENTICATED', `the token was not accepted (${reason})`, { extensions: { reason } });
  }

  /** One row per tenant whose domains were tried (a row without tenant when none was). */
  async #auditRefusal(ctx: PublicContext, request: ExchangeRequest, verdicts: DomainVerdict[], reason: string, issuer: string | undefined): Promise<void> {
    const byTenant = new Map<string | null, DomainVerdict[]>();
    for (const verdict of verdicts) byTenant.set(verdict.domain.tenantId, [...(byTenant.get(verdict.domain.tenantId) ?? []), verdict]);
    if (byTenant.size === 0) byTenant.set(null, []);
    for (const [tenantId, tried] of byTenant) {
      const single = tried.length === 1 ? tried[0]!.domain : undefined;
      await this.#deps.audit.record({
        tenantId,
        actorType: 'anonymous',
        actorId: 'anonymous',
        action: 'trust.exchange',
        targetType: 'trust-domain',
        target: single?.id ?? (issuer ?? 'unknown').slice(0, 200),
        outcome: 'denied',
        status: reason === 'ambiguous' ? 400 : 401,
        requestId: ctx.requestId,
        ip: ctx.ip,
        details: {
          reason,
          provider: request.provider ?? null,
          issuer: issuer?.slice(0, 200) ?? null,
          domains: tried.slice(0, 20).map((verdict) => ({ trustDomainId: verdict.domain.id, reason: verdict.reason, failed: verdict.checks.filter((check) => !check.passed).map((check) => check.detail.slice(0, 300)) })),
        },
        ...(single ? { projectId: single.projectId, environmentId: single.environmentId } : {}),
      });
    }
  }

  /** Every domain of the environment judges the token; nothing is consumed or issued. */
  async evaluate(tenantId: string, environmentId: string, token: string): Promise<Evaluation> {
    const domains = await this.domains.all(tenantId, environmentId);
    const verdicts: DomainVerdict[] = [];
    for (const domain of domains) verdicts.push(await this.#judge(domain, token));
    const first = verdicts.find((verdict) => verdict.identity !== undefined);
    const replayed = first !== undefined && (await this.#seen.seen(first.domain.issuer, boundedTokenId(first.identity!.tokenId ?? tokenIdOf(first.identity!.claims, token))));
    return {
      accepted: first !== undefined && !replayed,
      trustDomainId: first?.domain.id ?? null,
      replayed,
      domains: verdicts.map((verdict) => ({
        id: verdict.domain.id,
        name: verdict.domain.name,
        provider: verdict.domain.provider,
        accepted: verdict.identity !== undefined,
        reason: verdict.reason,
        checks: verdict.checks,
      })),
    };
  }
}

/** The token's claimed issuer, read without verification only to choose which domains to try. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' && iss !== '' && iss.length <= MAX_ISSUER_LENGTH ? iss : undefined;
  } catch {
    return undefined;
  }
}

function passedChecks(verdict: DomainVerdict): number {
  return verdict.checks.filter((check) => check.passed).length;
}

/** A plugin may name tokens by ids longer than the column: those are remembered by their hash. */
function boundedTokenId(tokenId: string): string {
  return tokenId.length <= 250 ? tokenId : `sha256:${createHash('sha256').update(tokenId).digest('hex')}`;
}

function actorOf(subject: string): string {
  return (subject === '' ? 'workload' : `workload:${subject}`).slice(0, 100);
}
