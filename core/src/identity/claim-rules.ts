import type { ClaimRule, IdentityCheck } from '../contracts/identity.js';
import { globToRegExp } from './glob.js';

type Claims = Record<string, unknown>;

/**
 * The value of `path` in `claims`. A claim whose name itself contains dots (`kubernetes.io`) is
 * found before a nested one: at each level the longest own key that prefixes the rest wins.
 */
export function readClaim(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  for (let end = path.lastIndexOf('.'); end > 0; end = path.lastIndexOf('.', end - 1)) {
    const head = path.slice(0, end);
    if (!Object.hasOwn(claims, head)) continue;
    const value = claims[head];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return readClaim(value as Claims, path.slice(end + 1));
    return undefined;
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function matchesText(rule: ClaimRule, text: string): boolean {
  switch (rule.operator) {
    case 'Equals':
      return text === rule.value;
    case 'StartsWith':
      return text.startsWith(rule.value);
    case 'Contains':
      return text.includes(rule.value);
    case 'Glob':
      return globToRegExp(rule.value).test(text);
  }
}

const DESCRIBE: Record<ClaimRule['operator'], string> = {
  Equals: 'equal',
  StartsWith: 'start with',
  Contains: 'contain',
  Glob: 'match the glob',
};

/**
 * Checks one rule against the claims. Numbers and booleans are compared in their JSON text
 * (`repository_id` 123 equals "123"); a list claim (such as `aud`) matches when any element does.
 */
export function evaluateClaimRule(rule: ClaimRule, claims: Claims): IdentityCheck {
  const check = `claim:${rule.claim}`;
  const value = readClaim(claims, rule.claim);
  const expected = `${DESCRIBE[rule.operator]} ${JSON.stringify(rule.value)}`;
  if (value === undefined || value === null) return { check, passed: false, detail: `the token has no "${rule.claim}" claim (it must ${expected})` };
  const texts = Array.isArray(value) ? value.map(scalarText) : [scalarText(value)];
  if (texts.some((text) => text === undefined)) return { check, passed: false, detail: `the "${rule.claim}" claim is not a string, number or boolean (it must ${expected})` };
  const passed = texts.some((text) => matchesText(rule, text!));
  const shown = Array.isArray(value) ? JSON.stringify(value) : JSON.stringify(texts[0]);
  return { check, passed, detail: `"${rule.claim}" is ${truncate(shown)}, which ${passed ? 'does' : 'does not'} ${expected}` };
}

export function evaluateClaimRules(rules: readonly ClaimRule[], claims: Claims): IdentityCheck[] {
  return rules.map((rule) => evaluateClaimRule(rule, claims));
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
