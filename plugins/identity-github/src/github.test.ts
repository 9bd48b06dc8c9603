import { describe, expect, it } from 'vitest';
import { describeIdentityProviderConformance } from '@keygate/core/testing';
import plugin, { checkGitHubRules, GITHUB_ISSUER, githubDerivedRules, githubIdentityType } from './index.js';

const claims = () => ({
  sub: 'repo:octo-org/app:environment:production',
  repository: 'octo-org/app',
  repository_id: '74',
  repository_owner: 'octo-org',
  repository_owner_id: '65',
  ref: 'refs/heads/main',
  environment: 'production',
  workflow_ref: 'octo-org/app/.github/workflows/deploy.yml@refs/heads/main',
  event_name: 'push',
});

const settings = { repository: 'octo-org/app', repositoryId: '74', repositoryOwnerId: '65', branch: 'main', environment: 'production', workflow: 'octo-org/app/.github/workflows/deploy.yml' };

describeIdentityProviderConformance('GitHub', {
  type: githubIdentityType,
  rules: (issuer, audience) => ({ issuer, audience, settings, claimRules: [{ claim: 'event_name', operator: 'Equals', value: 'push' }] }),
  validClaims: claims,
  mismatches: [
    { name: 'a sub that looks right with another repository_id (a re-created repository)', claims: { ...claims(), repository_id: '9999' } },
    { name: 'another owner id', claims: { ...claims(), repository_owner_id: '66' } },
    { name: 'another repository', claims: { ...claims(), repository: 'octo-org/app2', sub: 'repo:octo-org/app2:environment:production' } },
    { name: 'another branch', claims: { ...claims(), ref: 'refs/heads/dev' } },
    { name: 'a nested branch', claims: { ...claims(), ref: 'refs/heads/main/x' } },
    { name: 'another environment', claims: { ...claims(), environment: 'staging' } },
    { name: 'another workflow', claims: { ...claims(), workflow_ref: 'octo-org/app/.github/workflows/other.yml@refs/heads/main' } },
    { name: 'a claim rule', claims: { ...claims(), event_name: 'pull_request' } },
  ],
  unboundRules: [
    { name: 'only a branch', rules: (issuer, audience) => ({ issuer, audience, settings: { branch: 'main' }, claimRules: [] }) },
    { name: 'a sub glob on every repository', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [{ claim: 'sub', operator: 'Glob', value: 'repo:*' }] }) },
    { name: 'a repository glob of "**"', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [{ claim: 'repository', operator: 'Glob', value: '**' }] }) },
    { name: 'repository Contains', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [{ claim: 'repository', operator: 'Contains', value: 'app' }] }) },
  ],
});

describe('the GitHub plugin', () => {
  it('defaults to the GitHub Actions issuer', () => {
    expect(githubIdentityType.defaultIssuer).toBe('https://token.actions.githubusercontent.com');
    expect(GITHUB_ISSUER).toBe(githubIdentityType.defaultIssuer);
    expect(plugin.provides.map((p) => `${p.kind}:${p.type}`)).toEqual(['identity:GitHub']);
  });

  it('turns settings into rules, ids first', () => {
    expect(githubDerivedRules({ repositoryId: '74', repository: 'o/r', branch: 'release/*', workflow: 'o/r/.github/workflows/d.yml' })).toEqual([
      { claim: 'repository_id', operator: 'Equals', value: '74' },
      { claim: 'repository', operator: 'Equals', value: 'o/r' },
      { claim: 'ref', operator: 'Glob', value: 'refs/heads/release/*' },
      { claim: 'workflow_ref', operator: 'Glob', value: 'o/r/.github/workflows/d.yml@**' },
    ]);
  });

  it('accepts an owner binding or a sub rule naming the owner, and explains a domain for every repository', () => {
    const base = { issuer: GITHUB_ISSUER, audience: 'https://github.com/octo-org' };
    expect(checkGitHubRules({ ...base, settings: { repositoryOwnerId: '65' }, claimRules: [] })).toEqual([]);
    expect(checkGitHubRules({ ...base, settings: {}, claimRules: [{ claim: 'sub', operator: 'StartsWith', value: 'repo:octo-org/' }] })).toEqual([]);
    expect(checkGitHubRules({ ...base, settings: {}, claimRules: [{ claim: 'repository_id', operator: 'Equals', value: '74' }] })).toEqual([]);
    const [problem] = checkGitHubRules({ ...base, settings: { environment: 'production' }, claimRules: [] });
    expect(problem).toMatchObject({ field: 'settings' });
    expect(problem!.message).toMatch(/every repository on GitHub/);
  });

  it('refuses contradicting settings', () => {
    const base = { issuer: GITHUB_ISSUER, audience: 'a', claimRules: [] };
    expect(checkGitHubRules({ ...base, settings: { repository: 'a/b', repositoryOwner: 'c' } }).map((p) => p.field)).toEqual(['settings.repositoryOwner']);
    expect(checkGitHubRules({ ...base, settings: { repository: 'a/b', branch: 'main', ref: 'refs/tags/*' } }).map((p) => p.field)).toEqual(['settings.ref']);
  });
});
