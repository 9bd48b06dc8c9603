import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from './cli.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_URL, findContextFile, parseContextFile, resolveContext } from './context.js';
import { UsageError } from './errors.js';

let root: string;
beforeEach(async () => {
  // realpath: on some systems tmpdir() is a symlink and paths would not compare equal.
  root = await realpath(await mkdtemp(join(tmpdir(), 'keygate-cli-context-')));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function dir(...parts: string[]): Promise<string> {
  const path = join(root, ...parts);
  await mkdir(path, { recursive: true });
  return path;
}

describe('parseContextFile', () => {
  it('reads key = value lines, ignoring comments, blank lines and unknown keys', () => {
    const text = '# the shop\n\nproject = shop\n  environment=production  \norg = acme # trailing comment\nregion = eu\n';
    expect(parseContextFile(text, '.keygate')).toEqual({ project: 'shop', environment: 'production', org: 'acme' });
  });

  it('accepts env as the short name of environment, any key case, quotes, CRLF and a BOM', () => {
    expect(parseContextFile('\uFEFFPROJECT = "shop"\r\nenv = \'staging\'\r\n', '.bella')).toEqual({ project: 'shop', environment: 'staging' });
  });

  it('lets a later line win and keeps a # that is part of a value', () => {
    expect(parseContextFile('project = a\nproject = b#2\n', '.keygate')).toEqual({ project: 'b#2' });
  });

  it('refuses a line that is not key = value, naming the file and line', () => {
    expect(() => parseContextFile('project = shop\nproduction\n', '/x/.keygate')).toThrow(UsageError);
    expect(() => parseContextFile('project = shop\nproduction\n', '/x/.keygate')).toThrow('/x/.keygate:2: expected "key = value"');
    expect(() => parseContextFile('= shop\n', '/x/.keygate')).toThrow('/x/.keygate:1');
  });

  it('treats an empty value as absent', () => {
    expect(parseContextFile('project =\nenvironment = ""\n', '.keygate')).toEqual({});
  });
});

describe('findContextFile', () => {
  it('finds the nearest file walking up', async () => {
    const deep = await dir('a', 'b', 'c');
    await writeFile(join(root, '.keygate'), 'project = top\n');
    await writeFile(join(root, 'a', '.keygate'), 'project = middle\n');
    expect(await findContextFile(deep)).toBe(join(root, 'a', '.keygate'));
  });

  it('prefers .keygate over .bella in the same directory', async () => {
    await writeFile(join(root, '.bella'), 'project = bella\n');
    await writeFile(join(root, '.keygate'), 'project = keygate\n');
    expect(await findContextFile(root)).toBe(join(root, '.keygate'));
  });

  it('takes a nearer .bella over a farther .keygate', async () => {
    const child = await dir('app');
    await writeFile(join(root, '.keygate'), 'project = far\n');
    await writeFile(join(child, '.bella'), 'project = near\n');
    expect(await findContextFile(child)).toBe(join(child, '.bella'));
  });

  it('skips a .keygate directory (the host keeps its data in one)', async () => {
    const app = await dir('app');
    await dir('app', '.keygate');
    await writeFile(join(root, '.keygate'), 'project = shop\n');
    expect(await findContextFile(app)).toBe(join(root, '.keygate'));
  });

  it('returns undefined when there is none up to the root', async () => {
    // tmpdir() may itself sit below a stray context file; only assert when it does not.
    const found = await findContextFile(root);
    if (found !== undefined) expect(found.startsWith(root)).toBe(false);
    else expect(found).toBeUndefined();
  });
});

describe('resolveContext', () => {
  it('uses the defaults when nothing is given', async () => {
    const ctx = await resolveContext({}, {}, root);
    expect(ctx.url).toEqual({ value: DEFAULT_URL, source: 'default' });
    expect(ctx.apiKey).toBeUndefined();
    expect(ctx.project).toBeUndefined();
  });

  it('reads project, environment and org from the nearest file', async () => {
    const cwd = await dir('services', 'api');
    await writeFile(join(root, 'services', '.keygate'), 'project = shop\nenv = dev\norg = acme\n');
    const ctx = await resolveContext({}, {}, cwd);
    const file = join(root, 'services', '.keygate');
    expect(ctx.project).toEqual({ value: 'shop', source: file });
    expect(ctx.environment).toEqual({ value: 'dev', source: file });
    expect(ctx.org).toEqual({ value: 'acme', source: file });
    expect(ctx.file).toBe(file);
  });

  it('ranks flags over KEYGATE_* over BELLA_BAXTER_* over the file, per setting', async () => {
    await writeFile(join(root, '.keygate'), 'project = from-file\nenvironment = from-file\n');
    const env = {
      KEYGATE_URL: 'http://keygate:1',
      BELLA_BAXTER_URL: 'http://bella:1',
      KEYGATE_API_KEY: 'key-keygate',
      BELLA_BAXTER_API_KEY: 'key-bella',
      BELLA_BAXTER_PROJECT: 'from-bella',
      KEYGATE_ENV: 'from-keygate',
      BELLA_BAXTER_ENV: 'from-bella',
    };
    const ctx = await resolveContext({}, env, root);
    expect(ctx.url).toEqual({ value: 'http://keygate:1', source: 'KEYGATE_URL' });
    expect(ctx.apiKey).toEqual({ value: 'key-keygate', source: 'KEYGATE_API_KEY' });
    expect(ctx.project).toEqual({ value: 'from-bella', source: 'BELLA_BAXTER_PROJECT' });
    expect(ctx.environment).toEqual({ value: 'from-keygate', source: 'KEYGATE_ENV' });

    const flagged = await resolveContext({ url: 'http://flag:1', apiKey: 'key-flag', project: 'flag-p', environment: 'flag-e' }, env, root);
    expect(flagged.url.source).toBe('--url');
    expect(flagged.apiKey).toEqual({ value: 'key-flag', source: '--api-key' });
    expect(flagged.project).toEqual({ value: 'flag-p', source: '--project' });
    expect(flagged.environment).toEqual({ value: 'flag-e', source: '--env' });
  });

  it('falls back to the BELLA_BAXTER_* names and then to the file', async () => {
    await writeFile(join(root, '.bella'), 'project = bella-file\nenvironment = prod\n');
    const ctx = await resolveContext({}, { BELLA_BAXTER_URL: 'http://bella:2', BELLA_BAXTER_API_KEY: 'k', BELLA_BAXTER_ENV: 'staging' }, root);
    expect(ctx.url).toEqual({ value: 'http://bella:2', source: 'BELLA_BAXTER_URL' });
    expect(ctx.apiKey?.source).toBe('BELLA_BAXTER_API_KEY');
    expect(ctx.project).toEqual({ value: 'bella-file', source: join(root, '.bella') });
    expect(ctx.environment).toEqual({ value: 'staging', source: 'BELLA_BAXTER_ENV' });
  });

  it('treats empty environment variables as unset', async () => {
    await writeFile(join(root, '.keygate'), 'project = shop\n');
    const ctx = await resolveContext({}, { KEYGATE_PROJECT: '', KEYGATE_URL: '  ', BELLA_BAXTER_PROJECT: '' }, root);
    expect(ctx.project?.value).toBe('shop');
    expect(ctx.url.source).toBe('default');
  });

  it('refuses an empty flag instead of silently using another project', async () => {
    await writeFile(join(root, '.keygate'), 'project = shop\n');
    await expect(resolveContext({ project: '' }, {}, root)).rejects.toThrow('--project must not be empty');
  });

  it('reports a malformed context file as a usage error', async () => {
    await writeFile(join(root, '.keygate'), 'just some words\n');
    await expect(resolveContext({}, {}, root)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('keygate context init|clear (in process)', () => {
  async function cli(args: string[], cwd: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await runCli(args, { stdout, stderr, stdin: Readable.from([]), env: {}, cwd, stdoutIsTty: false, stdinIsTty: false });
    return { code, stdout: out, stderr: err };
  }

  it('writes a .keygate file that resolves back, refuses to replace it without --force, and clears it', async () => {
    const dir = await mkdtemp(join(root, 'init-'));
    expect((await cli(['context', 'init', '-p', 'shop', '-e', 'production', '--org', 'acme'], dir)).code).toBe(0);
    const ctx = await resolveContext({}, {}, dir);
    expect([ctx.project?.value, ctx.environment?.value, ctx.org?.value]).toEqual(['shop', 'production', 'acme']);

    const again = await cli(['context', 'init', '-p', 'other'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists\nhint: pass --force/);
    expect((await cli(['context', 'init', '-p', 'other', '--force'], dir)).code).toBe(0);
    expect((await resolveContext({}, {}, dir)).project?.value).toBe('other');

    expect((await cli(['context', 'init', '-p', 'a\nenvironment = x'], dir)).code).toBe(2);
    expect((await cli(['context', 'init'], dir)).stderr).toMatch(/^error: context init needs -p\/--project/);

    expect((await cli(['context', 'clear'], dir)).code).toBe(0);
    expect(existsSync(join(dir, '.keygate'))).toBe(false);
    expect((await cli(['context', 'clear'], dir)).stderr).toMatch(/^no \.keygate file/);

    await mkdir(join(dir, '.keygate'));
    const folder = await cli(['context', 'clear'], dir);
    expect(folder.code).toBe(1);
    expect(existsSync(join(dir, '.keygate'))).toBe(true);
  });
});
