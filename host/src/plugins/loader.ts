import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLUGIN_API_VERSION, TOKENS, isPluginManifest, type DependencyContainer, type PluginManifest, type PluginProvision } from '@keygate/core';
import type { KeygateConfig } from '../config/types.js';
import { compileValidator, type Validator } from '../validation/json-schema.js';
import { PluginLoadError } from './plugin-load-error.js';
import { KIND_NAMES, checkProvision, provisionId, type ProvisionMaps } from './provisions.js';

export interface LoadedPlugin {
  /** The manifest's name (the npm package name). */
  name: string;
  version: string;
  description: string;
  /** As configured: a package name or a module path. */
  package: string;
  /** The entry's options, validated against the plugin's `optionsSchema`, defaults applied. */
  options: Record<string, unknown>;
  /** What the plugin provides, as `kind:Type` (`provider:Vault`, `rotation:GenerateRandom`). */
  provides: string[];
}

export interface LoadedPlugins extends ProvisionMaps {
  plugins: LoadedPlugin[];
}

export interface LoadPluginsOptions {
  /** Imports a plugin module; `import()` by default. Tests pass their own. */
  importer?: (specifier: string) => Promise<unknown>;
  /** Folder that relative plugin paths (`./plugins/mine.mjs`) resolve against; the working directory by default. */
  baseDir?: string;
}

interface Accepted {
  label: string;
  entry: KeygateConfig['plugins'][number];
  manifest: PluginManifest;
  options: Record<string, unknown>;
}

/**
 * Imports every configured plugin, checks its manifest and options, and registers what it
 * provides in `container` under the core tokens (`TOKENS.providerType`, …). Plugin modules are
 * inert, so importing them has no effect of its own; nothing is registered unless every plugin is
 * sound. Throws one {@link PluginLoadError} listing the problems of all plugins.
 */
export async function loadPlugins(
  entries: KeygateConfig['plugins'],
  container: DependencyContainer,
  options: LoadPluginsOptions = {},
): Promise<LoadedPlugins> {
  const importer = options.importer ?? ((specifier: string) => import(specifier) as Promise<unknown>);
  const baseDir = options.baseDir ?? process.cwd();
  const problems: string[] = [];
  const accepted: Accepted[] = [];

  // One at a time, in configuration order, so that errors and registrations are deterministic.
  for (const [index, entry] of entries.entries()) {
    const label = entry.source ?? `plugins[${index}]`;
    const plugin = `plugin ${JSON.stringify(entry.package)}`;
    const specifier = toSpecifier(entry.package, baseDir);
    let module: unknown;
    try {
      module = await importer(specifier.href ?? specifier.name);
    } catch (error) {
      problems.push(`${label}: ${plugin} could not be loaded: ${describeImportFailure(specifier, error)}`);
      continue;
    }
    const manifest = defaultExport(module);
    if (!isPluginManifest(manifest)) {
      problems.push(`${label}: ${plugin} does not default-export a Keygate plugin manifest (build it with definePlugin from @keygate/core)`);
      continue;
    }
    if (manifest.apiVersion !== PLUGIN_API_VERSION) {
      problems.push(
        `${label}: ${plugin} is built for plugin API version ${String(manifest.apiVersion)}, but this host supports version ${PLUGIN_API_VERSION}; ` +
          `install a release of the plugin made for API version ${PLUGIN_API_VERSION}, or a host that supports its version`,
      );
      continue;
    }
    const manifestProblems = checkManifest(manifest);
    const checkedOptions = checkOptions(manifest, entry.options, `${label}.options`, plugin);
    problems.push(...manifestProblems.map((problem) => `${label}: ${plugin} ${problem}`), ...checkedOptions.problems);
    if (manifestProblems.length === 0 && checkedOptions.problems.length === 0) accepted.push({ label, entry, manifest, options: checkedOptions.value });
  }

  problems.push(...findDuplicates(accepted));
  if (problems.length > 0) throw new PluginLoadError(problems);
  return register(accepted, container);
}

function checkManifest(manifest: PluginManifest): string[] {
  const problems: string[] = [];
  if (typeof manifest.name !== 'string' || manifest.name === '') problems.push('has a manifest without a name');
  if (typeof manifest.version !== 'string' || manifest.version === '') problems.push('has a manifest without a version');
  if (!Array.isArray(manifest.provides)) return [...problems, 'has a manifest whose "provides" is not a list'];
  for (const provision of manifest.provides as readonly unknown[]) problems.push(...checkProvision(provision));
  return problems;
}

function checkOptions(
  manifest: PluginManifest,
  given: Record<string, unknown>,
  path: string,
  plugin: string,
): { value: Record<string, unknown>; problems: string[] } {
  if (manifest.optionsSchema === undefined) {
    const problems = Object.keys(given).length > 0 ? [`${path}: ${plugin} takes no options`] : [];
    return { value: given, problems };
  }
  let validate: Validator<Record<string, unknown>>;
  try {
    validate = compileValidator<Record<string, unknown>>(manifest.optionsSchema, { applyDefaults: true });
  } catch (error) {
    return { value: given, problems: [`${path}: ${plugin} has an invalid optionsSchema: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const result = validate(given);
  if (result.ok) return { value: result.value, problems: [] };
  return {
    value: given,
    problems: result.errors.map((issue) => `${issue.path === '' ? path : `${path}${issue.path.startsWith('[') ? '' : '.'}${issue.path}`}: ${issue.message} (${plugin})`),
  };
}

/** Two plugins providing the same kind and type would make the choice between them arbitrary. */
function findDuplicates(accepted: readonly Accepted[]): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const { label, entry, manifest } of accepted) {
    for (const provision of manifest.provides) {
      const id = provisionId(provision);
      const owner = owners.get(id);
      if (owner === undefined) owners.set(id, entry.package);
      else {
        problems.push(
          `${label}: plugin ${JSON.stringify(entry.package)} provides ${KIND_NAMES[provision.kind]} "${provision.type}", ` +
            `which plugin ${JSON.stringify(owner)} already provides; remove one of them`,
        );
      }
    }
  }
  return problems;
}

function register(accepted: readonly Accepted[], container: DependencyContainer): LoadedPlugins {
  const loaded: LoadedPlugins = {
    plugins: [],
    providerTypes: new Map(),
    rotationStrategyTypes: new Map(),
    identityProviderTypes: new Map(),
    notifierTypes: new Map(),
  };
  for (const { entry, manifest, options } of accepted) {
    for (const provision of manifest.provides) registerProvision(provision, container, loaded);
    loaded.plugins.push({
      name: manifest.name,
      version: manifest.version,
      description: manifest.description,
      package: entry.package,
      options,
      provides: manifest.provides.map(provisionId),
    });
  }
  return loaded;
}

function registerProvision(provision: PluginProvision, container: DependencyContainer, loaded: ProvisionMaps): void {
  switch (provision.kind) {
    case 'provider':
      container.register(TOKENS.providerType, { useValue: provision });
      loaded.providerTypes.set(provision.type, provision);
      return;
    case 'rotation':
      container.register(TOKENS.rotationStrategyType, { useValue: provision });
      loaded.rotationStrategyTypes.set(provision.type, provision);
      return;
    case 'identity':
      container.register(TOKENS.identityProviderType, { useValue: provision });
      loaded.identityProviderTypes.set(provision.type, provision);
      return;
    case 'notifier':
      container.register(TOKENS.notifierType, { useValue: provision });
      loaded.notifierTypes.set(provision.type, provision);
      return;
  }
}

interface Specifier {
  /** As configured. */
  name: string;
  /** For a module path: where it resolves to, and its file URL (which `import()` needs). */
  path?: string;
  href?: string;
}

/** Package names are imported as they are; paths are resolved against `baseDir`. */
function toSpecifier(name: string, baseDir: string): Specifier {
  if (!name.startsWith('./') && !name.startsWith('../') && !isAbsolute(name)) return { name };
  const path = resolve(baseDir, name);
  return { name, path, href: pathToFileURL(path).href };
}

function defaultExport(module: unknown): unknown {
  if (typeof module === 'object' && module !== null && 'default' in module) return module.default;
  return module;
}

function describeImportFailure(specifier: Specifier, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message.split('\n')[0]!.trim() : String(error);
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_LOAD_URL';
  // Only when the plugin itself is missing: a plugin whose own dependency is missing must say which.
  if (notFound && specifier.path !== undefined && (message.includes(specifier.path) || message.includes(specifier.href!))) {
    return `the file ${specifier.path} does not exist`;
  }
  if (notFound && specifier.path === undefined && message.includes(`'${specifier.name}'`)) {
    return `it is not installed (run "npm install ${specifier.name}" where the host is installed)`;
  }
  return message;
}
