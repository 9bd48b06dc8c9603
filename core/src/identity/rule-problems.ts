import type { ClaimRule, TrustRuleProblem } from '../contracts/identity.js';
import { globToRegExp } from './glob.js';

const CLAIM = /^[A-Za-z0-9_:.\-/]{1,200}$/;

/** Problems with claim rules as such: empty values, invalid globs, unusable claim names. */
export function claimRuleProblems(rules: readonly ClaimRule[]): TrustRuleProblem[] {
  const problems: TrustRuleProblem[] = [];
  rules.forEach((rule, index) => {
    const at = `claimRules[${index}]`;
    if (!CLAIM.test(rule.claim)) problems.push({ field: `${at}.claim`, message: 'must be a claim name or dotted path (letters, digits, "_", ":", ".", "-", "/")' });
    if (rule.value === '') problems.push({ field: `${at}.value`, message: 'must not be empty (an empty value would match every token)' });
    if (rule.operator === 'Glob') {
      try {
        globToRegExp(rule.value);
      } catch (error) {
        problems.push({ field: `${at}.value`, message: error instanceof Error ? error.message : String(error) });
      }
    }
  });
  return problems;
}
