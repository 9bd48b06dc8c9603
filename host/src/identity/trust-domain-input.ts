import { KeygateError, type IdentityProviderType, type TrustRuleProblem } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import { compileValidator, type Validator } from '../validation/json-schema.js';
import { closestName } from '../validation/did-you-mean.js';
import type { TrustDomainFields } from './trust-domains-store.js';

type TrustDomainInput = components['schemas']['TrustDomainInput'];

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
const DEFAULT_TTL_MINUTES = 60;

/** An issuer is an https URL (http only to a loopback address, for development and tests). */
function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be an absolute URL (the exact "iss" of the tokens)';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) return 'must use https (http is allowed only to a loopback address)';
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return 'must not contain credentials, a query or a fragment';
  return undefined;
}

/**
 * Turns an API body into the fields of a trust domain, or refuses it (400) naming every field that
 * is wrong: unknown provider, missing or unsafe issuer, settings outside the provider's schema,
 * and whatever the provider's own rule check finds (above all, rules that bind no subject).
 */
export class TrustDomainInputs {
  readonly #types: ReadonlyMap<string, IdentityProviderType>;
  readonly #validators = new Map<string, Validator<Record<string, unknown>>>();

  constructor(types: ReadonlyMap<string, IdentityProviderType>) {
    this.#types = types;
  }

  resolve(body: TrustDomainInput): TrustDomainFields {
    const type = this.#types.get(body.provider);
    if (!type) {
      const known = [...this.#types.keys()].sort();
      const near = closestName(body.provider, known);
      throw new KeygateError(
        'INVALID_INPUT',
        `provider: unknown identity provider "${body.provider}"${near ? ` (did you mean "${near}"?)` : ''}; loaded: ${known.length > 0 ? known.join(', ') : 'none (add identity plugins to keygate.yaml)'}`,
      );
    }
    const problems: TrustRuleProblem[] = [];
    const issuer = body.issuer ?? type.defaultIssuer;
    if (issuer === undefined) problems.push({ field: 'issuer', message: `is required for provider ${type.type}` });
    else {
      const problem = issuerProblem(issuer);
      if (problem) problems.push({ field: 'issuer', message: problem });
    }
    const validated = this.#validator(type)(body.settings ?? {});
    let settings: Record<string, unknown> = {};
    if (validated.ok) settings = validated.value;
    else problems.push(...validated.errors.map((issue) => ({ field: issue.path === '' ? 'settings' : `settings.${issue.path}`, message: issue.message })));
    const fields: TrustDomainFields = {
      name: body.name,
      description: body.description ?? '',
      provider: type.type,
      issuer: issuer ?? '',
      audience: body.audience,
      claimRules: body.claimRules ?? [],
      settings,
      grantedRole: body.grantedRole ?? 'Consumer',
      issuedTokenTtlMinutes: body.issuedTokenTtlMinutes ?? DEFAULT_TTL_MINUTES,
    };
    // The provider's check presumes settings of its schema.
    if (problems.length === 0 && type.checkRules) {
      problems.push(...type.checkRules({ issuer: fields.issuer, audience: fields.audience, claimRules: fields.claimRules, settings }));
    }
    if (problems.length > 0) throw new KeygateError('INVALID_INPUT', problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '));
    return fields;
  }

  #validator(type: IdentityProviderType): Validator<Record<string, unknown>> {
    let validator = this.#validators.get(type.type);
    if (!validator) {
      validator = compileValidator<Record<string, unknown>>(type.settingsSchema, { applyDefaults: true });
      this.#validators.set(type.type, validator);
    }
    return validator;
  }
}
