import type { components } from '@keygate/sdk';
import { UsageError } from '../errors.js';
import { displayUrl } from '../session.js';
import { note, printJson } from '../io.js';
import type { Command } from './command.js';
import { dispatch, operands, positiveInteger, printList } from './subcommands.js';

type TrustDomain = components['schemas']['TrustDomain'];
type TrustDomainInput = components['schemas']['TrustDomainInput'];
type ClaimRule = components['schemas']['ClaimRule'];

export const trustDomains: Command = {
  name: 'trust-domains',
  options: {
    name: { type: 'string' },
    description: { type: 'string' },
    provider: { type: 'string' },
    issuer: { type: 'string' },
    audience: { type: 'string' },
    repository: { type: 'string' },
    'repository-id': { type: 'string' },
    owner: { type: 'string' },
    branch: { type: 'string' },
    'github-environment': { type: 'string' },
    workflow: { type: 'string' },
    'cluster-url': { type: 'string' },
    'service-account': { type: 'string' },
    'claim-rules': { type: 'string' },
    role: { type: 'string' },
    'ttl-minutes': { type: 'string' },
  },
  help: `Usage: keygate trust-domains list       [-p PROJECT] [-e ENV]
       keygate trust-domains create --name NAME --provider GitHub|Kubernetes|OIDC [flags] [-p PROJECT] [-e ENV]
       keygate trust-domains delete ID  [-p PROJECT] [-e ENV]

create flags:
  --audience AUD             required in the token's aud (default: the gateway URL, which is also
                             what "keygate" asks GitHub Actions for unless KEYGATE_OIDC_AUDIENCE is set)
  --issuer URL               the tokens' iss (GitHub: https://token.actions.githubusercontent.com by default)
  GitHub:      --repository OWNER/REPO [--repository-id ID] [--owner OWNER] [--branch BRANCH]
               [--github-environment NAME] [--workflow NAME]
  Kubernetes:  --service-account NAMESPACE/NAME, --cluster-url URL (the cluster's service-account
               token issuer; same as --issuer)
  OIDC:        --issuer URL --claim-rules '{"claim": "value", …}' (each an Equals rule; a "sub" rule,
               or one naming the subject, is required), or a JSON array of {claim, operator, value}
  --role Consumer|Member     role of the issued keys (default Consumer, read-only)
  --ttl-minutes N            lifetime of the issued keys (default 60)
--environment is accepted for -e, as in the Bella Baxter CLI. All take --json.

Example:
  keygate trust-domains create --name "GitHub Actions CI" --provider GitHub \\
    --repository myorg/my-repo --branch main --project my-api --environment production
`,
  run: (input) =>
    dispatch('trust-domains', {
      list: async ({ flags, io, session }, args) => {
        operands('keygate trust-domains list', args, []);
        const s = await session();
        const gateway = s.gateway();
        const environmentId = await gateway.environmentId(await s.target());
        const { items } = await gateway.send((client, signal) => client.GET('/api/v1/environments/{environmentId}/trust-domains', { params: { path: { environmentId }, query: { limit: 200 } }, signal }));
        printList<TrustDomain>(io, flags.boolean('json'), items, [['ID', (d) => d.id], ['NAME', (d) => d.name], ['PROVIDER', (d) => d.provider], ['ISSUER', (d) => d.issuer], ['AUDIENCE', (d) => d.audience], ['ROLE', (d) => d.grantedRole]], 'no trust domains');
        return 0;
      },
      create: async ({ flags, io, session }, args) => {
        operands('keygate trust-domains create --name NAME --provider TYPE …', args, []);
        const s = await session();
        const name = flags.string('name');
        const provider = flags.string('provider');
        if (name === undefined) throw new UsageError('missing --name');
        if (provider === undefined) throw new UsageError('missing --provider', 'GitHub, Kubernetes or OIDC');
        const clusterUrl = flags.string('cluster-url');
        const issuer = flags.string('issuer') ?? clusterUrl;
        const settings: Record<string, string> = {};
        const setting = (flag: string, key: string): void => {
          const value = flags.string(flag);
          if (value !== undefined) settings[key] = value;
        };
        setting('repository', 'repository');
        setting('repository-id', 'repositoryId');
        setting('owner', 'repositoryOwner');
        setting('branch', 'branch');
        setting('github-environment', 'environment');
        setting('workflow', 'workflow');
        setting('service-account', 'serviceAccount');
        const role = flags.string('role');
        if (role !== undefined && role !== 'Consumer' && role !== 'Member') throw new UsageError('--role must be Consumer or Member');
        const ttl = positiveInteger('--ttl-minutes', flags.string('ttl-minutes'));
        const claimRules = parseClaimRules(flags.string('claim-rules'));
        const description = flags.string('description');
        const body: TrustDomainInput = {
          name,
          provider,
          audience: flags.string('audience') ?? displayUrl(s.context.url.value),
          ...(issuer === undefined ? {} : { issuer }),
          ...(description === undefined ? {} : { description }),
          ...(Object.keys(settings).length === 0 ? {} : { settings }),
          ...(claimRules === undefined ? {} : { claimRules }),
          ...(role === undefined ? {} : { grantedRole: role }),
          ...(ttl === undefined ? {} : { issuedTokenTtlMinutes: ttl }),
        };
        const gateway = s.gateway();
        const target = await s.target();
        const environmentId = await gateway.environmentId(target);
        const domain = await gateway.send((client, signal) => client.POST('/api/v1/environments/{environmentId}/trust-domains', { params: { path: { environmentId } }, body, signal }));
        if (flags.boolean('json')) printJson(io, domain);
        else note(io, `created trust domain ${domain.id} (${domain.provider}, audience ${domain.audience}) for ${target.project}/${target.environment}`);
        return 0;
      },
      delete: async ({ flags, io, session }, args) => {
        const [id] = operands('keygate trust-domains delete ID', args, ['ID']) as [string];
        const s = await session();
        const gateway = s.gateway();
        const environmentId = await gateway.environmentId(await s.target());
        await gateway.sendNoContent((client, signal) => client.DELETE('/api/v1/environments/{environmentId}/trust-domains/{id}', { params: { path: { environmentId, id } }, signal }));
        if (flags.boolean('json')) printJson(io, { deleted: true, id });
        else note(io, `deleted trust domain ${id}`);
        return 0;
      },
    }, input),
};

/** `{"claim": "value"}` (Equals rules, as in the seeds) or an array of full rules. */
function parseClaimRules(text: string | undefined): ClaimRule[] | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--claim-rules is not valid JSON', `e.g. --claim-rules '{"project_path": "mygroup/myrepo"}'`);
  }
  if (Array.isArray(parsed)) return parsed as ClaimRule[];
  if (typeof parsed !== 'object' || parsed === null) throw new UsageError('--claim-rules must be a JSON object or array');
  return Object.entries(parsed).map(([claim, value]) => {
    if (typeof value !== 'string') throw new UsageError(`--claim-rules: the value of "${claim}" must be a string`);
    return { claim, operator: 'Equals', value };
  });
}
