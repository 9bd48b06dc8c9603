import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PERMISSIONS } from '../../host/src/auth/policy.js';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';

/** The matrix as written in host/PERMISSIONS.md: caller → actions marked ✓. */
function documentedMatrix(): Map<string, Set<string>> {
  const text = readFileSync(fileURLToPath(new URL('../../host/PERMISSIONS.md', import.meta.url)), 'utf8');
  const rows = text.split('\n').filter((line) => line.startsWith('| '));
  const header = rows[0]!.split('|').map((c) => c.trim()).filter(Boolean);
  const callers = header.slice(1);
  const matrix = new Map(callers.map((c) => [c, new Set<string>()]));
  for (const row of rows.slice(1)) {
    const cells = row.split('|').map((c) => c.trim()).filter(Boolean);
    if (cells.length !== header.length) break; // the second table starts
    cells.slice(1).forEach((cell, i) => {
      if (cell === '✓') matrix.get(callers[i]!)!.add(cells[0]!);
    });
  }
  return matrix;
}

const matrix = documentedMatrix();
let h: TestHost;
let environmentId: string;
let spareMemberId: string;
/** Caller label (a column, or `<column> (user)`) → bearer credential. */
const credentials = new Map<string, { column: string; bearer: string }>();
let counter = 0;
const PASSWORD = 'a long enough passphrase';

/** One representative request per action, inside the caller's own project and environment. */
const probes: Record<string, () => [method: string, path: string, body?: unknown]> = {
  'providers.read': () => ['GET', `${base}/providers`],
  'providers.write': () => ['POST', `${base}/providers`, { name: `p${++counter}`, type: 'Local' }],
  'projects.read': () => ['GET', `${base}/projects/app`],
  'projects.write': () => ['PUT', `${base}/projects/app`, { description: `d${++counter}` }],
  'environments.read': () => ['GET', `${base}/projects/app/environments/prod`],
  'environments.write': () => ['PUT', `${base}/projects/app/environments/prod`, { description: `d${++counter}` }],
  'secrets.read': () => ['GET', `${base}/projects/app/environments/prod/secrets`],
  'secrets.write': () => ['PUT', `${base}/projects/app/environments/prod/providers/system/secrets/K`, { value: `v${++counter}` }],
  'apiKeys.read': () => ['GET', `${base}/environments/${environmentId}/api-keys`],
  'apiKeys.write': () => ['POST', `${base}/environments/${environmentId}/api-keys`, {}],
  'members.read': () => ['GET', `${base}/projects/app/members`],
  'members.write': () => ['PUT', `${base}/projects/app/members/${spareMemberId}`, { role: ++counter % 2 === 0 ? 'Consumer' : 'Member' }],
  'audit.read': () => ['GET', `${base}/access-logs`],
  'audit.verify': () => ['POST', `${base}/access-logs/verify`],
  'users.read': () => ['GET', `${base}/users`],
  'users.write': () => ['POST', `${base}/users`, { email: `u${++counter}@example.com`, password: PASSWORD, tenantRole: 'Viewer' }],
};

async function createUser(email: string, tenantRole: string): Promise<string> {
  const res = await h.api('POST', `${base}/users`, { email, password: PASSWORD, tenantRole });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as Json).id as string;
}

async function login(email: string): Promise<string> {
  const res = await h.api('POST', `${base}/auth/login`, { email, password: PASSWORD }, { authorization: '' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as Json).accessToken as string;
}

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  const env = await h.api('POST', `${base}/projects/app/environments`, { name: 'prod' });
  environmentId = (env.body as Json).id as string;
  const projectId = ((await h.api('GET', `${base}/projects/app`)).body as Json).id as string;
  const tenantId = h.host.bootstrap.tenantId;
  spareMemberId = await createUser('spare@example.com', 'User');
  expect((await h.api('POST', `${base}/projects/app/members`, { userId: spareMemberId, role: 'Consumer' })).status).toBe(201);
  for (const column of matrix.keys()) {
    const [kind, role] = column.split(':') as [string, string];
    if (kind === 'member') {
      // A tenant User who is a member of project "app" with this project role.
      const email = `member-${role.toLowerCase()}@example.com`;
      const userId = await createUser(email, 'User');
      expect((await h.api('POST', `${base}/projects/app/members`, { email, role })).status).toBe(201);
      expect(userId).toBeTruthy();
      credentials.set(column, { column, bearer: await login(email) });
      continue;
    }
    const scope = kind as 'tenant' | 'project' | 'environment';
    const created = await h.host.services.keys.create({
      tenantId,
      scope,
      role,
      ...(scope === 'tenant' ? {} : { projectId }),
      ...(scope === 'environment' ? { environmentId } : {}),
    });
    credentials.set(column, { column, bearer: created.apiKey });
    if (scope === 'tenant') {
      // The same column once more as a logged-in user of that tenant role (no memberships).
      const email = `tenant-${role.toLowerCase()}@example.com`;
      await createUser(email, role);
      credentials.set(`${column} (user)`, { column, bearer: await login(email) });
    }
  }
});
afterAll(async () => {
  await h?.close();
});

describe('the permission matrix (host/PERMISSIONS.md)', () => {
  it('is exactly what the policy module grants', () => {
    const documented = Object.fromEntries([...matrix].map(([caller, actions]) => [caller, [...actions].sort()]));
    const granted = Object.fromEntries(Object.entries(PERMISSIONS).map(([caller, actions]) => [caller, [...actions].sort()]));
    expect(documented).toEqual(granted);
    expect(Object.keys(probes).sort()).toEqual([...new Set(Object.values(PERMISSIONS).flat())].sort());
  });

  it('has a caller for every column, and users for every member and tenant column', () => {
    expect(new Set([...credentials.values()].map((c) => c.column))).toEqual(new Set(matrix.keys()));
    expect([...credentials.keys()].filter((label) => label.endsWith('(user)'))).toHaveLength(4);
  });

  for (const caller of [...matrix.keys()].flatMap((c) => (c.startsWith('tenant:') ? [c, `${c} (user)`] : [c]))) {
    it(`holds for ${caller} on every action`, async () => {
      const { column, bearer } = credentials.get(caller)!;
      for (const action of Object.keys(probes)) {
        const [method, path, body] = probes[action]!();
        const res = await h.api(method, path, body, { authorization: `Bearer ${bearer}` });
        const allowed = matrix.get(column)!.has(action);
        if (allowed) expect(res.status, `${caller} ${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        else expect(res.status, `${caller} ${action}`).toBe(404);
      }
    });
  }
});
