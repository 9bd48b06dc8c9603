import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { container, definePlugin, isKeygateError, TOKENS, type PluginManifest } from '@keygate/core';
import type { PluginEntry } from '../config/types.js';
import { loadPlugins } from './loader.js';
import { PluginLoadError } from './plugin-load-error.js';

const fixturesDir = fileURLToPath(new URL('../../test-fixtures/plugins/', import.meta.url));
const fixture = (name: string): string => `${fixturesDir}${name}.mjs`;
const entry = (pkg: string, options: Record<string, unknown> = {}): PluginEntry => ({ package: pkg, options });

/** The problems of the PluginLoadError that `promise` rejects with. */
async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(PluginLoadError);
  return (error as PluginLoadError).problems;
}

describe('loadPlugins', () => {
  it('loads a valid plugin by path and registers each provision under its core token', async () => {
    const scope = container.createChildContainer();
    const loaded = await loadPlugins([entry(fixture('valid-plugin'), { region: 'us-east-1' })], scope);

    expect(loaded.plugins).toEqual([
      {
        name: '@fixtures/valid-plugin',
        version: '1.2.3',
        description: 'Loader test fixture: one of each kind.',
        package: fixture('valid-plugin'),
        options: { region: 'us-east-1', retries: 2 },
        provides: ['provider:FixtureStore', 'rotation:FixtureRotation', 'identity:FixtureIdentity', 'notifier:FixtureNotifier'],
      },
    ]);
    expect([...loaded.providerTypes.keys()]).toEqual(['FixtureStore']);
    expect([...loaded.rotationStrategyTypes.keys()]).toEqual(['FixtureRotation']);
    expect([...loaded.identityProviderTypes.keys()]).toEqual(['FixtureIdentity']);
    expect([...loaded.notifierTypes.keys()]).toEqual(['FixtureNotifier']);

    expect(scope.resolveAll(TOKENS.providerType).map((type) => type.type)).toEqual(['FixtureStore']);
    expect(scope.resolveAll(TOKENS.rotationStrategyType).map((type) => type.type)).toEqual(['FixtureRotation']);
    expect(scope.resolveAll(TOKENS.identityProviderType).map((type) => type.type)).toEqual(['FixtureIdentity']);
    expect(scope.resolveAll(TOKENS.notifierType).map((type) => type.type)).toEqual(['FixtureNotifier']);
    expect(scope.resolve(TOKENS.providerType)).toBe(loaded.providerTypes.get('FixtureStore'));
  });

  it('resolves relative module paths against baseDir', async () => {
    const loaded = await loadPlugins([entry('./valid-plugin.mjs')], container.createChildContainer(), { baseDir: fixturesDir });
    expect(loaded.plugins[0]!.name).toBe('@fixtures/valid-plugin');
  });

  it('uses the importer it is given', async () => {
    const manifest: PluginManifest = definePlugin({ name: '@fixtures/in-memory', version: '0.0.1', description: 'in memory', provides: [] });
    const imported: string[] = [];
    const loaded = await loadPlugins([entry('@fixtures/in-memory')], container.createChildContainer(), {
      importer: (specifier) => {
        imported.push(specifier);
        return Promise.resolve({ default: manifest });
      },
    });
    expect(imported).toEqual(['@fixtures/in-memory']);
    expect(loaded.plugins.map((plugin) => plugin.name)).toEqual(['@fixtures/in-memory']);
  });

  it('reports a package that is not installed', async () => {
    expect(await problemsOf(loadPlugins([entry('@keygate/provider-does-not-exist')], container.createChildContainer()))).toEqual([
      'plugins[0]: plugin "@keygate/provider-does-not-exist" could not be loaded: it is not installed (run "npm install @keygate/provider-does-not-exist" where the host is installed)',
    ]);
  });

  it('reports a plugin file that does not exist', async () => {
    expect(await problemsOf(loadPlugins([entry('./missing.mjs')], container.createChildContainer(), { baseDir: fixturesDir }))).toEqual([
      `plugins[0]: plugin "./missing.mjs" could not be loaded: the file ${fixturesDir}missing.mjs does not exist`,
    ]);
  });

  it('reports a plugin that throws while being imported, with its reason', async () => {
    expect(await problemsOf(loadPlugins([entry(fixture('throws-on-import'))], container.createChildContainer()))).toEqual([
      `plugins[0]: plugin "${fixture('throws-on-import')}" could not be loaded: fixture exploded while importing: AWS_REGION is not set`,
    ]);
  });

  it('refuses a module whose default export is not a manifest', async () => {
    expect(await problemsOf(loadPlugins([entry(fixture('not-a-manifest'))], container.createChildContainer()))).toEqual([
      `plugins[0]: plugin "${fixture('not-a-manifest')}" does not default-export a Keygate plugin manifest (build it with definePlugin from @keygate/core)`,
    ]);
  });

  it('refuses a plugin built for another API version, naming both versions', async () => {
    const [problem] = await problemsOf(loadPlugins([entry(fixture('wrong-api-version'))], container.createChildContainer()));
    expect(problem).toContain('is built for plugin API version 2, but this host supports version 1');
  });

  it('reports every option error with its path under plugins[i].options', async () => {
    const problems = await problemsOf(
      loadPlugins(
        [entry(fixture('valid-plugin')), entry(fixture('strict-options'), { endpoint: 'not a uri', timeoutMs: 0, tls: { verfiy: true }, extra: 1 })],
        container.createChildContainer(),
      ),
    );
    const plugin = `(plugin "${fixture('strict-options')}")`;
    expect([...problems].sort()).toEqual(
      [
        `plugins[1].options: unknown field "extra" ${plugin}`,
        `plugins[1].options.endpoint: must be a valid uri ${plugin}`,
        `plugins[1].options.timeoutMs: must be >= 1 ${plugin}`,
        `plugins[1].options.tls: unknown field "verfiy" (did you mean "verify"?) ${plugin}`,
      ].sort(),
    );
  });

  it('reports a missing required option and options given to a plugin that takes none', async () => {
    const problems = await problemsOf(
      loadPlugins([entry(fixture('strict-options')), entry(fixture('wrong-api-version').replace('wrong-api-version', 'duplicate-type'), { a: 1 })], container.createChildContainer()),
    );
    expect(problems).toEqual([
      `plugins[0].options.endpoint: is required (plugin "${fixture('strict-options')}")`,
      `plugins[1].options: plugin "${fixture('duplicate-type')}" takes no options`,
    ]);
  });

  it('refuses two plugins that provide the same kind and type', async () => {
    const problems = await problemsOf(loadPlugins([entry(fixture('valid-plugin')), entry(fixture('duplicate-type'))], container.createChildContainer()));
    expect(problems).toEqual([
      `plugins[1]: plugin "${fixture('duplicate-type')}" provides provider type "FixtureStore", which plugin "${fixture('valid-plugin')}" already provides; remove one of them`,
    ]);
  });

  it('checks the provisions themselves, including that their schemas compile', async () => {
    const problems = await problemsOf(loadPlugins([entry(fixture('broken-provisions'))], container.createChildContainer()));
    const plugin = `plugins[0]: plugin "${fixture('broken-provisions')}"`;
    expect(problems).toEqual([
      `${plugin} provider type "NoFactory" has no create() function`,
      `${plugin} provider type "NoFactory" has no capabilities() function`,
      expect.stringMatching(new RegExp(`^${escape(plugin)} notifier "BadSchema" has an invalid configSchema: invalid JSON Schema: .*fromat`)),
      `${plugin} provides an entry of unknown kind "storage" (expected one of provider, rotation, identity, notifier)`,
    ]);
  });

  it('collects the problems of all plugins in one error and registers nothing', async () => {
    const scope = container.createChildContainer();
    const error: unknown = await loadPlugins(
      [
        entry(fixture('valid-plugin')),
        entry(fixture('throws-on-import')),
        entry(fixture('not-a-manifest')),
        entry(fixture('wrong-api-version')),
        entry(fixture('strict-options')),
        entry(fixture('duplicate-type')),
      ],
      scope,
    ).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect(isKeygateError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION' });
    const problems = (error as PluginLoadError).problems;
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual(['plugins[1]', 'plugins[2]', 'plugins[3]', 'plugins[4].options.endpoint', 'plugins[5]']);
    expect((error as Error).message.split('\n')).toEqual(problems);
    expect(scope.isRegistered(TOKENS.providerType)).toBe(false);
  });

  it('labels entries with their place in keygate.yaml when the configuration gives it', async () => {
    const problems = await problemsOf(
      loadPlugins([{ package: fixture('not-a-manifest'), options: {}, source: 'plugins[3]' }], container.createChildContainer()),
    );
    expect(problems[0]).toMatch(/^plugins\[3\]: /);
  });

  const providerLocalSource = fileURLToPath(new URL('../../../plugins/provider-local/src/index.ts', import.meta.url));
  it.runIf(existsSync(providerLocalSource))('loads the real @keygate/provider-local package by name', async () => {
    const scope = container.createChildContainer();
    const loaded = await loadPlugins([entry('@keygate/provider-local')], scope);
    expect(loaded.plugins).toEqual([expect.objectContaining({ name: '@keygate/provider-local', provides: ['provider:Local'] })]);
    expect(scope.resolve(TOKENS.providerType).type).toBe('Local');
  });

  it('loads the bundled rotation strategies by name', async () => {
    const scope = container.createChildContainer();
    const loaded = await loadPlugins([entry('@keygate/rotation-generate-random'), entry('@keygate/rotation-http-webhook')], scope);
    expect(loaded.plugins.map((p) => p.provides)).toEqual([['rotation:GenerateRandom'], ['rotation:HttpWebhook']]);
    expect([...loaded.rotationStrategyTypes.keys()]).toEqual(['GenerateRandom', 'HttpWebhook']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
