import { describe, expect, it } from 'vitest';
import { evaluateClaimRule, readClaim } from './claim-rules.js';
import { globLiteralPrefix, globToRegExp } from './glob.js';
import { bindsClaim } from './workload-identity.js';
import { claimRuleProblems } from './rule-problems.js';

describe('glob patterns', () => {
  const matches = (pattern: string, value: string) => globToRegExp(pattern).test(value);

  it('"*" stops at "/", "**" crosses it, "?" is one character', () => {
    expect(matches('refs/heads/*', 'refs/heads/main')).toBe(true);
    expect(matches('refs/heads/*', 'refs/heads/team/x')).toBe(false);
    expect(matches('refs/heads/**', 'refs/heads/team/x')).toBe(true);
    expect(matches('refs/heads/**', 'refs/heads/')).toBe(true);
    expect(matches('v?.0', 'v1.0')).toBe(true);
    expect(matches('v?.0', 'v10.0')).toBe(false);
    expect(matches('a?b', 'a/b')).toBe(false);
  });

  it('matches the whole value, case-sensitively, everything else literally', () => {
    expect(matches('main', 'not-main')).toBe(false);
    expect(matches('Main', 'main')).toBe(false);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('[ab]', '[ab]')).toBe(true);
    expect(matches('{a,b}', 'a')).toBe(false);
    expect(matches('(x|y)+', '(x|y)+')).toBe(true);
  });

  it('escapes with a backslash and refuses a trailing one', () => {
    expect(matches('a\\*', 'a*')).toBe(true);
    expect(matches('a\\*', 'ab')).toBe(false);
    expect(() => globToRegExp('a\\')).toThrow(/cannot end/);
    expect(globLiteralPrefix('repo:org/\\*x*')).toBe('repo:org/*x');
  });
});

describe('claim rules', () => {
  const claims = { sub: 'repo:o/r:ref:refs/heads/main', repository_id: 42, aud: ['a', 'b'], 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'app' } }, flag: true, obj: { x: 1 } };

  it('applies each operator', () => {
    expect(evaluateClaimRule({ claim: 'sub', operator: 'Equals', value: 'repo:o/r:ref:refs/heads/main' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'Equals', value: 'repo:o/r' }, claims).passed).toBe(false);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'StartsWith', value: 'repo:o/r:' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'StartsWith', value: 'repo:o/x' }, claims).passed).toBe(false);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'Contains', value: 'heads/main' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'Contains', value: 'heads/dev' }, claims).passed).toBe(false);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'Glob', value: 'repo:o/*:ref:refs/heads/*' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'sub', operator: 'Glob', value: 'repo:o/*:ref:refs/tags/*' }, claims).passed).toBe(false);
  });

  it('compares numbers and booleans as text, lists by any element', () => {
    expect(evaluateClaimRule({ claim: 'repository_id', operator: 'Equals', value: '42' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'flag', operator: 'Equals', value: 'true' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'aud', operator: 'Equals', value: 'b' }, claims).passed).toBe(true);
    expect(evaluateClaimRule({ claim: 'aud', operator: 'Equals', value: 'c' }, claims).passed).toBe(false);
  });

  it('reads dotted paths, preferring claim names that contain dots', () => {
    expect(readClaim(claims, 'kubernetes.io.namespace')).toBe('ns');
    expect(readClaim(claims, 'kubernetes.io.serviceaccount.name')).toBe('app');
    expect(readClaim(claims, 'kubernetes.io.nothing')).toBeUndefined();
  });

  it('explains a missing claim and a claim that is an object', () => {
    const missing = evaluateClaimRule({ claim: 'environment', operator: 'Equals', value: 'prod' }, claims);
    expect(missing).toMatchObject({ check: 'claim:environment', passed: false });
    expect(missing.detail).toMatch(/no "environment" claim/);
    expect(evaluateClaimRule({ claim: 'obj', operator: 'Equals', value: 'x' }, claims).detail).toMatch(/not a string/);
  });

  it('knows which rules bind a claim', () => {
    expect(bindsClaim({ claim: 'sub', operator: 'Equals', value: 'x' }, ['sub'])).toBe(true);
    expect(bindsClaim({ claim: 'sub', operator: 'Glob', value: '*' }, ['sub'])).toBe(false);
    expect(bindsClaim({ claim: 'sub', operator: 'Glob', value: '**' }, ['sub'])).toBe(false);
    expect(bindsClaim({ claim: 'sub', operator: 'StartsWith', value: 'project_path:g/' }, ['sub'])).toBe(true);
    expect(bindsClaim({ claim: 'sub', operator: 'Contains', value: 'g/p' }, ['sub'])).toBe(false);
    expect(bindsClaim({ claim: 'aud', operator: 'Equals', value: 'x' }, ['sub'])).toBe(false);
  });

  it('finds empty values, broken globs and odd claim names', () => {
    expect(
      claimRuleProblems([
        { claim: 'sub', operator: 'StartsWith', value: '' },
        { claim: 'sub', operator: 'Glob', value: 'x\\' },
        { claim: 'a b', operator: 'Equals', value: 'x' },
      ]).map((problem) => problem.field),
    ).toEqual(['claimRules[0].value', 'claimRules[1].value', 'claimRules[2].claim']);
  });
});
