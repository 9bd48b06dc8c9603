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
const keys = new Map<string, string>();
let counter = 0;

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
  'audit.read': () => ['GET', `${base}/access-logs`],
  'audit.verify': () => ['POST', `${base}/access-logs/verify`],
  'users.read': () => ['GET', `${base}/users`],
  'users.write': () => ['POST', `${base}/users`, { email: `u${++counter}@example.com`, password: 'a long enough passphrase', tenantRole: 'Viewer' }],
};

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  const env = await h.api('POST', `${base}/projects/app/environments`, { name: 'prod' });
  environmentId = (env.body as Json).id as string;
  const projectId = ((await h.api('GET', `${base}/projects/app`)).body as Json).id as string;
  const tenantId = h.host.bootstrap.tenantId;
  for (const caller of matrix.keys()) {
    const [scope, role] = caller.split(':') as ['tenant' | 'project' | 'environment', string];
    const created = await h.host.services.keys.create({
      tenantId,
      scope,
      role,
      ...(scope === 'tenant' ? {} : { projectId }),
      ...(scope === 'environment' ? { environmentId } : {}),
    });
    keys.set(caller, created.apiKey);
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

  for (const caller of matrix.keys()) {
    it(`holds for ${caller} on every action`, async () => {
      for (const action of Object.keys(probes)) {
        const [method, path, body] = probes[action]!();
        const res = await h.api(method, path, body, { authorization: `Bearer ${keys.get(caller)!}` });
        const allowed = matrix.get(caller)!.has(action);
        if (allowed) expect(res.status, `${caller} ${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        else expect(res.status, `${caller} ${action}`).toBe(404);
      }
    });
  }
});
