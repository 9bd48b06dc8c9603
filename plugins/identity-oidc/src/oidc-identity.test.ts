import { describe, expect, it } from 'vitest';
import { describeIdentityProviderConformance } from '@keygate/core/testing';
import plugin, { checkOidcRules, oidcIdentityType } from './index.js';

const SUB = 'project_path:mygroup/myrepo:ref_type:branch:ref:main';
const claims = () => ({ sub: SUB, project_path: 'mygroup/myrepo', ref: 'main', ref_type: 'branch', pipeline_source: 'push' });

describeIdentityProviderConformance('OIDC', {
  type: oidcIdentityType,
  rules: (issuer, audience) => ({
    issuer,
    audience,
    settings: {},
    claimRules: [
      { claim: 'sub', operator: 'StartsWith', value: 'project_path:mygroup/myrepo:' },
      { claim: 'project_path', operator: 'Equals', value: 'mygroup/myrepo' },
      { claim: 'ref', operator: 'Glob', value: 'ma*' },
      { claim: 'pipeline_source', operator: 'Contains', value: 'us' },
    ],
  }),
  validClaims: claims,
  mismatches: [
    { name: 'StartsWith on sub', claims: { ...claims(), sub: 'project_path:mygroup/other:ref_type:branch:ref:main' } },
    { name: 'Equals on project_path', claims: { ...claims(), project_path: 'mygroup/myrepo2' } },
    { name: 'Glob on ref', claims: { ...claims(), ref: 'dev' } },
    { name: 'Contains on pipeline_source', claims: { ...claims(), pipeline_source: 'schedule' } },
    { name: 'a missing claim', claims: { sub: SUB, ref: 'main', pipeline_source: 'push' } },
  ],
  unboundRules: [
    { name: 'no sub rule', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [{ claim: 'project_path', operator: 'Equals', value: 'g/p' }] }) },
    { name: 'a sub glob of "*"', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [{ claim: 'sub', operator: 'Glob', value: '**' }] }) },
    { name: 'sub Contains', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [{ claim: 'sub', operator: 'Contains', value: 'myrepo' }] }) },
  ],
});

describe('the OIDC plugin', () => {
  it('is a plugin manifest providing identity:OIDC', () => {
    expect(plugin).toMatchObject({ manifest: 'keygate-plugin', name: '@keygate/identity-oidc' });
    expect(plugin.provides.map((p) => `${p.kind}:${p.type}`)).toEqual(['identity:OIDC']);
  });

  it('explains why rules without a sub binding are refused', () => {
    const [problem] = checkOidcRules({ issuer: 'https://gitlab.com', audience: 'a', settings: {}, claimRules: [] });
    expect(problem).toMatchObject({ field: 'claimRules' });
    expect(problem!.message).toMatch(/every workload/);
  });
});
