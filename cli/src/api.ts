import { KeygateApiError, KeygateProtocolError, type KeygateClient, type SecretMetadata } from '@keygate/sdk';
import { CliError } from './errors.js';
import type { Session } from './session.js';

export interface Target {
  project: string;
  environment: string;
}

/** openapi-fetch returns errors instead of throwing; this turns them into the SDK's error type. */
async function expectData<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw KeygateApiError.fromResponse(response, error);
  if (data === undefined) throw new KeygateProtocolError(`the server sent no body (HTTP ${response.status})`);
  return data;
}

/** Slugs of the environment's providers in priority order (the first is where writes go). */
export async function environmentProviders(session: Session, client: KeygateClient, target: Target): Promise<string[]> {
  const { items } = await expectData(
    client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/providers', {
      params: { path: { projectRef: target.project, envSlug: target.environment } },
      ...session.request(),
    }),
  );
  return items.map((provider) => provider.slug);
}

export async function defaultProvider(session: Session, client: KeygateClient, target: Target): Promise<string> {
  const [first] = await environmentProviders(session, client, target);
  if (first === undefined) {
    throw new CliError(`${target.project}/${target.environment} has no providers`, 'assign one to the environment, or pass --provider');
  }
  return first;
}

export async function listProviderSecrets(session: Session, client: KeygateClient, target: Target, provider: string): Promise<SecretMetadata[]> {
  const { items } = await expectData(
    client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets', {
      params: { path: { projectRef: target.project, envSlug: target.environment, providerRef: provider } },
      ...session.request(),
    }),
  );
  return items;
}
