import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';

export const KUBERNETES_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

type Env = Readonly<Record<string, string | undefined>>;

/** A workload identity token the platform hands this process, and where it came from. */
export interface AmbientToken {
  token: string;
  source: string;
}

/**
 * Finds the platform's OIDC token when no key is configured: GitHub Actions (a job with
 * `permissions: id-token: write` gets `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`), else a token file
 * (`KEYGATE_OIDC_TOKEN_FILE`, or the Kubernetes service-account token where pods get it).
 * Undefined when this is no such workload.
 */
export async function ambientToken(env: Env, audience: string, timeoutMs: number): Promise<AmbientToken | undefined> {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (requestUrl && requestToken) return { token: await githubActionsToken(requestUrl, requestToken, audience, timeoutMs), source: 'GitHub Actions OIDC token' };

  const explicitFile = env.KEYGATE_OIDC_TOKEN_FILE?.trim();
  const file = explicitFile || KUBERNETES_TOKEN_FILE;
  let token: string;
  try {
    token = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    // The default path simply does not exist outside Kubernetes; a path the user named must.
    if (!explicitFile && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the OIDC token file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check KEYGATE_OIDC_TOKEN_FILE and the volume that mounts the token');
  }
  if (token === '') throw new CliError(`the OIDC token file ${file} is empty`, 'is the service-account token projected into this pod?');
  return { token, source: explicitFile ? `the OIDC token in ${file}` : 'the Kubernetes service-account token' };
}

/** GitHub's token endpoint: GET the given URL plus `audience`, bearer the request token, → `{value}`. */
async function githubActionsToken(requestUrl: string, requestToken: string, audience: string, timeoutMs: number): Promise<string> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new CliError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL', 'it is set by GitHub Actions; do not override it');
  }
  url.searchParams.set('audience', audience);
  const hint = 'does the job have "permissions: id-token: write"?';
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (error) {
    throw new CliError(`cannot get an OIDC token from GitHub Actions: ${(error as Error).message}`, hint);
  }
  if (!response.ok) throw new CliError(`GitHub Actions refused an OIDC token (HTTP ${response.status})`, hint);
  const body = (await response.json().catch(() => undefined)) as { value?: unknown } | undefined;
  if (typeof body?.value !== 'string' || body.value === '') throw new CliError('GitHub Actions answered without an OIDC token', hint);
  return body.value;
}
