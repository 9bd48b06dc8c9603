import { KeygateApiError, requireApiKey } from '@keygate/sdk';
import { credentialsPath, removeLogin, saveLogin } from '../credentials.js';
import { CliError, UsageError } from '../errors.js';
import { note, printJson, warn } from '../io.js';
import { readSecretLine } from '../prompt.js';
import type { Command } from './command.js';

export const login: Command = {
  name: 'login',
  options: {
    email: { type: 'string' },
    tenant: { type: 'string' },
  },
  help: `Usage: keygate login [--url URL]                       (an API key, from stdin or a prompt)
       keygate login [--url URL] --email EMAIL [--tenant SLUG]   (a user; password from stdin or a prompt)

Checks the credential against the gateway, then stores it in
$XDG_CONFIG_HOME/keygate/credentials.json (else ~/.config/keygate/credentials.json), readable by
you only (file 0600, folder 0700). One login is kept, for one URL; it is used only when the
gateway URL is that one. A user login keeps a refresh token and renews its 15-minute access token
by itself.

Flags, KEYGATE_API_KEY and BELLA_BAXTER_API_KEY take precedence over the stored login. The key or
password is never taken from an argument: type it at the prompt, or pipe it in.

Examples:
  keygate login --url https://keygate.example.com            # then paste the key
  printf %s "$KEY" | keygate login --url https://keygate.example.com
  keygate login --url https://keygate.example.com --email ada@example.com
`,

  async run({ flags, operands, io, session: openSession }) {
    if (operands.length > 0) throw new UsageError(`unexpected argument "${operands[0]}"`, 'keys and passwords are read from stdin or a prompt, never from arguments');
    const session = await openSession();
    const url = session.context.url.value;
    const email = flags.string('email');
    const tenant = flags.string('tenant');
    if (tenant !== undefined && email === undefined) throw new UsageError('--tenant goes with --email');

    if (email !== undefined) {
      const password = await readSecretLine(io, `Password for ${email}: `);
      if (password === '') throw new UsageError('no password given', 'type it at the prompt, or pipe it in on stdin');
      const { data, error, response } = await session.anonymousClient().POST('/api/v1/auth/login', {
        body: { email, password, ...(tenant === undefined ? {} : { tenantSlug: tenant }) },
        signal: AbortSignal.timeout(session.timeoutMs),
      });
      if (response.status === 401) throw new CliError(`wrong email or password for ${session.url}`, 'check both; after 5 failures logins are refused for 15 minutes');
      if (response.status === 429) throw new CliError('too many failed logins', `retry in ${response.headers.get('retry-after') ?? 'a few'} seconds`);
      if (!response.ok || data === undefined) throw KeygateApiError.fromResponse(response, error);
      const path = await saveLogin(io.env, {
        kind: 'user',
        url,
        email,
        accessToken: data.accessToken,
        refreshToken: data.refreshToken,
        expiresAt: data.expiresAt,
        ...(tenant === undefined ? {} : { tenantSlug: tenant }),
        savedAt: new Date().toISOString(),
      });
      if (flags.boolean('json')) printJson(io, { url: session.url, kind: 'user', email, file: path });
      else note(io, `logged in to ${session.url} as ${email} (stored in ${path})`);
      return 0;
    }

    const given = session.context.apiKey?.value;
    const apiKey = (given ?? (await readSecretLine(io, 'API key: '))).trim();
    if (apiKey === '') throw new UsageError('no API key given', 'paste it at the prompt, or pipe it in on stdin');
    let keyId: string;
    try {
      keyId = requireApiKey(apiKey).keyId;
    } catch {
      throw new UsageError('that is not a Keygate API key', 'expected bax-<32 hex>-<64 hex>, as printed when the key was created');
    }
    const client = session.client({ apiKey });
    const { data, error, response } = await client.GET('/api/v1/keys/me', { signal: AbortSignal.timeout(session.timeoutMs) });
    if (response.status === 401) throw new CliError(`${session.url} does not accept this API key`, 'it may be mistyped, disabled, expired, or for another gateway');
    if (!response.ok || data === undefined) throw KeygateApiError.fromResponse(response, error);
    const path = await saveLogin(io.env, { kind: 'api-key', url, apiKey, savedAt: new Date().toISOString() });
    if (flags.boolean('json')) printJson(io, { url: session.url, kind: 'api-key', keyId: data.keyId, role: data.role, file: path });
    else note(io, `logged in to ${session.url} with API key bax-${keyId} (${describeScope(data)}; stored in ${path})`);
    return 0;
  },
};

export const logout: Command = {
  name: 'logout',
  options: {},
  help: `Usage: keygate logout [--url URL]

Removes the login stored by "keygate login". For a user login, the refresh token is revoked on the
gateway first (the access token lapses within 15 minutes). An API key stays valid: revoke it with
"keygate api-keys delete" if it should stop working everywhere.
`,

  async run({ flags, operands, io, session: openSession }) {
    if (operands.length > 0) throw new UsageError(`unexpected argument "${operands[0]}"`, 'keygate logout takes flags only');
    const session = await openSession();
    const stored = session.login;
    if (stored === undefined) {
      if (flags.boolean('json')) printJson(io, { url: session.url, loggedOut: false });
      else note(io, `not logged in to ${session.url}`);
      return 0;
    }
    if (stored.kind === 'user') {
      try {
        const fresh = await session.freshUserTokens(stored);
        const client = session.client({ accessToken: fresh.accessToken });
        const { error, response } = await client.POST('/api/v1/auth/logout', { body: { refreshToken: fresh.refreshToken }, signal: AbortSignal.timeout(session.timeoutMs) });
        if (!response.ok) throw KeygateApiError.fromResponse(response, error);
      } catch (error) {
        // Forgetting the login locally is still what was asked for.
        warn(io, `the session could not be revoked on the gateway (${error instanceof Error ? error.message : String(error)}); it lapses on its own`);
      }
    }
    await removeLogin(io.env);
    if (flags.boolean('json')) printJson(io, { url: session.url, loggedOut: true });
    else note(io, `logged out of ${session.url} (removed ${credentialsPath(io.env)})`);
    return 0;
  },
};

export const whoami: Command = {
  name: 'whoami',
  options: {},
  help: `Usage: keygate whoami [--json]

Asks the gateway who the current credential is (the same one every other command would use: a
flag, KEYGATE_API_KEY, the stored login, or a keylessly exchanged key), and where it came from.
`,

  async run({ flags, operands, io, session: openSession }) {
    if (operands.length > 0) throw new UsageError(`unexpected argument "${operands[0]}"`, 'keygate whoami takes flags only');
    const session = await openSession();
    const credential = await session.credential();
    const gateway = session.gateway();
    if (credential.kind === 'api-key') {
      const identity = await gateway.send((client, signal) => client.GET('/api/v1/keys/me', { signal }));
      if (flags.boolean('json')) printJson(io, { url: session.url, kind: 'api-key', source: credential.source, ...identity, ...(credential.expiresAt === undefined ? {} : { expiresAt: credential.expiresAt }) });
      else io.stdout.write(`API key bax-${identity.keyId} at ${session.url}\n  ${describeScope(identity)}\n  from ${credential.source}\n`);
      return 0;
    }
    // The access token proves itself by being accepted; its claims say who and which role.
    await gateway.send((client, signal) => client.GET('/api/v1/users/me/api-keys', { params: { query: { limit: 1 } }, signal }));
    const claims = jwtClaims(credential.accessToken);
    const user = { url: session.url, kind: 'user', source: credential.source, email: credential.email, userId: claims.sub ?? null, tenantId: claims.tid ?? null, role: claims.role ?? null };
    if (flags.boolean('json')) printJson(io, user);
    else io.stdout.write(`user ${user.email} at ${session.url}\n  role ${user.role ?? 'unknown'} in tenant ${user.tenantId ?? 'unknown'}\n  from ${credential.source}\n`);
    return 0;
  },
};

interface Scope {
  role: string;
  tenantSlug: string;
  projectSlug: string | null;
  environmentSlug: string | null;
}

function describeScope(identity: Scope): string {
  const where = identity.projectSlug === null ? `tenant ${identity.tenantSlug}` : identity.environmentSlug === null ? `project ${identity.projectSlug}` : `${identity.projectSlug}/${identity.environmentSlug}`;
  return `role ${identity.role} on ${where}`;
}

/** The payload of a JWT, unverified: only for display, the gateway has just accepted the token. */
function jwtClaims(token: string): { sub?: string; tid?: string; role?: string } {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const text = (name: string): string | undefined => (typeof payload[name] === 'string' ? payload[name] : undefined);
    const claims: { sub?: string; tid?: string; role?: string } = {};
    for (const name of ['sub', 'tid', 'role'] as const) {
      const value = text(name);
      if (value !== undefined) claims[name] = value;
    }
    return claims;
  } catch {
    return {};
  }
}
