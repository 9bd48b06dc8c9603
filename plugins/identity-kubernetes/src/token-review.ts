import type { HttpClient, IdentityCheck } from '@keygate/core';

/**
 * Asks the API server whether the token is still valid (a projected token outlives neither its pod
 * nor its service account in the API server's eyes, while its signature would still verify). The
 * token authenticates its own review, so Keygate holds no cluster credential: the service account
 * needs the `system:auth-delegator` ClusterRole.
 */
export async function reviewToken(http: HttpClient, apiServerUrl: string, token: string, audience: string, username: string): Promise<IdentityCheck> {
  const url = `${apiServerUrl.replace(/\/+$/, '')}/apis/authentication.k8s.io/v1/tokenreviews`;
  const response = await http.request({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [audience] } }),
  });
  if (response.status !== 200 && response.status !== 201) {
    return { check: 'tokenReview', passed: false, detail: `the API server answered the TokenReview with HTTP ${response.status}` };
  }
  let status: { authenticated?: unknown; user?: { username?: unknown }; error?: unknown } | undefined;
  try {
    status = (response.json() as { status?: typeof status }).status;
  } catch {
    return { check: 'tokenReview', passed: false, detail: 'the API server answered the TokenReview with something other than JSON' };
  }
  if (status?.authenticated !== true) return { check: 'tokenReview', passed: false, detail: 'the API server does not authenticate the token (its pod or service account is gone, or it was revoked)' };
  if (status.user?.username !== username) {
    return { check: 'tokenReview', passed: false, detail: `the API server says the token belongs to ${JSON.stringify(status.user?.username ?? null)}, not ${username}` };
  }
  return { check: 'tokenReview', passed: true, detail: `the API server authenticates the token as ${username}` };
}
