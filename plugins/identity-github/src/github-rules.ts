import type { ClaimRule, JsonSchema, TrustDomainRules, TrustRuleProblem } from '@keygate/core';
import { bindsClaim, claimRuleProblems } from '@keygate/core/identity';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GitHubSettings {
  /** `owner/name`, compared exactly with the `repository` claim. */
  repository?: string;
  /** The immutable numeric id (`repository_id`): survives renames and is never reused. */
  repositoryId?: string;
  repositoryOwner?: string;
  repositoryOwnerId?: string;
  /** A branch name (`main`) or glob (`release/*`): the `ref` must be `refs/heads/<branch>`. */
  branch?: string;
  /** A full ref glob (`refs/tags/v*`), for tags or pull requests. */
  ref?: string;
  /** The deployment environment of the job (`environment` claim). */
  environment?: string;
  /** The workflow file the job runs, as a glob on `workflow_ref` without its `@ref` (`octo/app/.github/workflows/deploy.yml`). */
  workflow?: string;
}

export const githubSettingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', description: '`owner/name`' },
    repositoryId: { type: 'string', pattern: '^[0-9]{1,20}$', description: 'The numeric repository id (immutable)' },
    repositoryOwner: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
    repositoryOwnerId: { type: 'string', pattern: '^[0-9]{1,20}$', description: 'The numeric owner id (immutable)' },
    branch: { type: 'string', minLength: 1, maxLength: 255 },
    ref: { type: 'string', minLength: 1, maxLength: 255 },
    environment: { type: 'string', minLength: 1, maxLength: 255 },
    workflow: { type: 'string', minLength: 1, maxLength: 500 },
  },
};

function text(settings: Record<string, unknown>, name: keyof GitHubSettings): string | undefined {
  const value = settings[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The claim rules the settings stand for, checked before the domain's own claim rules. */
export function githubDerivedRules(settings: Record<string, unknown>): ClaimRule[] {
  const rules: ClaimRule[] = [];
  const add = (claim: string, operator: ClaimRule['operator'], value: string | undefined) => {
    if (value !== undefined) rules.push({ claim, operator, value });
  };
  add('repository_id', 'Equals', text(settings, 'repositoryId'));
  add('repository_owner_id', 'Equals', text(settings, 'repositoryOwnerId'));
  add('repository', 'Equals', text(settings, 'repository'));
  add('repository_owner', 'Equals', text(settings, 'repositoryOwner'));
  const branch = text(settings, 'branch');
  add('ref', 'Glob', branch === undefined ? undefined : `refs/heads/${branch}`);
  add('ref', 'Glob', text(settings, 'ref'));
  add('environment', 'Equals', text(settings, 'environment'));
  const workflow = text(settings, 'workflow');
  // `workflow_ref` is `owner/repo/.github/workflows/file.yml@refs/heads/main`: the glob covers the path, any ref.
  add('workflow_ref', 'Glob', workflow === undefined ? undefined : `${workflow}@**`);
  return rules;
}

const REPOSITORY_CLAIMS = ['repository', 'repository_id', 'repository_owner', 'repository_owner_id'];

/**
 * A GitHub domain must name a repository or an owner (by name or, better, immutable id), in its
 * settings or as a claim rule; a `sub` rule counts when its literal beginning names `repo:owner/`.
 * Otherwise every repository on GitHub could obtain keys: GitHub signs tokens for all of them.
 */
export function checkGitHubRules(rules: TrustDomainRules): TrustRuleProblem[] {
  const problems = claimRuleProblems(rules.claimRules);
  const settingsBind = githubDerivedRules(rules.settings).some((rule) => REPOSITORY_CLAIMS.includes(rule.claim));
  const rulesBind = rules.claimRules.some(
    (rule) =>
      bindsClaim(rule, ['repository_id', 'repository_owner_id']) ||
      bindsClaim(rule, ['repository', 'repository_owner'], (prefix) => /^[^/]+(\/|$)/.test(prefix) && !prefix.startsWith('/')) ||
      bindsClaim(rule, ['sub'], (prefix) => /^repo:[^/:]+\//.test(prefix)),
  );
  if (!settingsBind && !rulesBind) {
    problems.push({
      field: 'settings',
      message:
        'a GitHub trust domain must be bound to a repository or an owner: set settings.repositoryId (preferred, immutable), settings.repository, ' +
        'settings.repositoryOwnerId or settings.repositoryOwner (or an Equals claim rule on one of those claims); ' +
        'without it every repository on GitHub could exchange its tokens for keys',
    });
  }
  const owner = text(rules.settings, 'repositoryOwner');
  const repository = text(rules.settings, 'repository');
  if (owner !== undefined && repository !== undefined && !repository.startsWith(`${owner}/`)) {
    problems.push({ field: 'settings.repositoryOwner', message: `"${owner}" is not the owner of settings.repository "${repository}"` });
  }
  if (text(rules.settings, 'branch') !== undefined && text(rules.settings, 'ref') !== undefined) {
    problems.push({ field: 'settings.ref', message: 'give either settings.branch or settings.ref, not both' });
  }
  return problems;
}
