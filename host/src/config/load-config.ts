import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { compileValidator } from '../validation/json-schema.js';
import { parseByteSize } from './byte-size.js';
import { coerceToSchema } from './coerce.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { crossCheck } from './cross-checks.js';
import { applyEnvOverrides } from './env-overrides.js';
import { interpolateTree } from './interpolate.js';
import { keygateConfigSchema } from './schema.js';
import type { KeygateConfig, PluginEntry } from './types.js';

export const DEFAULT_CONFIG_FILE = 'keygate.yaml';
/** The system provider: every tenant has a `Local` provider, so this plugin is always loaded. */
export const SYSTEM_PROVIDER_PACKAGE = '@keygate/provider-local';
/**
 * Plugins bundled with the host and always loaded, in this order: the system provider, the
 * built-in rotation strategies that rotation policies name, the HttpRest provider (any HTTP secret
 * API by configuration alone) and the identity providers trust domains name. The cloud providers
 * stay opt-in (listed under `plugins:`) because their SDKs weigh on start-up.
 */
export const BUNDLED_PLUGINS: ReadonlyArray<{ package: string; role: string }> = [
  { package: SYSTEM_PROVIDER_PACKAGE, role: 'system provider' },
  { package: '@keygate/rotation-generate-random', role: 'built-in rotation strategy' },
  { package: '@keygate/rotation-http-webhook', role: 'built-in rotation strategy' },
  { package: '@keygate/provider-http-rest', role: 'built-in provider' },
  { package: '@keygate/identity-github', role: 'built-in identity provider' },
  { package: '@keygate/identity-kubernetes', role: 'built-in identity provider' },
  { package: '@keygate/identity-oidc', role: 'built-in identity provider' },
];

export interface LoadConfigOptions {
  /** Configuration file; defaults to `KEYGATE_CONFIG`, then `./keygate.yaml` when it exists. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ParseConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Name used in error messages; `keygate.yaml` unless told otherwise. */
  source?: string;
  configFile?: string;
}

/** What the schema guarantees once defaults are applied; `resolveConfig` derives the rest. */
type ValidatedDocument = Omit<KeygateConfig, 'configFile' | 'server' | 'plugins'> & {
  server: Omit<KeygateConfig['server'], 'bodyLimitBytes'>;
  plugins?: Array<Omit<PluginEntry, 'source'>>;
};

/**
 * Reads keygate.yaml (see host/CONFIG.md), substitutes `${VAR}`, applies the environment
 * overrides, validates and fills defaults. An explicitly named file must exist; without one, a
 * missing `./keygate.yaml` means "all defaults". Throws {@link ConfigError} listing every problem.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<KeygateConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = options.path ?? (env.KEYGATE_CONFIG === '' ? undefined : env.KEYGATE_CONFIG);
  const file = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  const source = basename(file);

  if (named === undefined && !existsSync(file)) return parseConfig({}, { env, cwd });

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const origin = options.path === undefined ? ' (named by KEYGATE_CONFIG)' : '';
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError([{ path: '', message: `the configuration file ${file}${origin} ${reason}` }], source);
  }
  return parseConfig(parseYaml(text, source), { env, cwd, source, configFile: file });
}

/** Validates an already-parsed configuration document; `loadConfig` without the file. */
export function parseConfig(document: unknown, options: ParseConfigOptions = {}): KeygateConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const source = options.source ?? DEFAULT_CONFIG_FILE;
  if (document === null || document === undefined) document = {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError([{ path: '', message: 'must be a mapping of settings (such as "server:"), not a list or a single value' }], source);
  }

  const problems: ConfigProblem[] = [];
  const interpolated = interpolateTree(document, env, problems) as Record<string, unknown>;
  if (problems.length > 0) throw new ConfigError(problems, source);
  const origins = applyEnvOverrides(interpolated, env);
  const coerced = coerceToSchema(keygateConfigSchema, interpolated);

  const result = compileValidator<ValidatedDocument>(keygateConfigSchema, { applyDefaults: true, strictlyTested: true })(coerced);
  if (!result.ok) throw new ConfigError(result.errors.map((issue) => withOrigin(issue, origins)), source);
  const crossProblems = crossCheck({ ...result.value, plugins: result.value.plugins ?? [] });
  if (crossProblems.length > 0) throw new ConfigError(crossProblems.map((problem) => withOrigin(problem, origins)), source);

  return resolveConfig(result.value, cwd, options.configFile);
}

function resolveConfig(document: ValidatedDocument, cwd: string, configFile: string | undefined): KeygateConfig {
  const { plugins: listed, server, dataDir, ...rest } = document;
  return {
    ...(configFile === undefined ? {} : { configFile }),
    ...rest,
    server: { ...server, bodyLimitBytes: parseByteSize(server.bodyLimit) },
    dataDir: resolve(cwd, dataDir),
    plugins: withBundledPlugins(listed ?? []),
  };
}

/**
 * The host cannot run without its bundled plugins (the system provider backs every tenant's
 * `Local` provider; policies name the built-in strategies): those the list omits are loaded
 * first, in {@link BUNDLED_PLUGINS} order. A listed entry keeps its place and options.
 */
function withBundledPlugins(listed: ReadonlyArray<Omit<PluginEntry, 'source'>>): PluginEntry[] {
  const entries: PluginEntry[] = listed.map((entry, index) => ({ ...entry, source: `plugins[${index}]` }));
  const missing = BUNDLED_PLUGINS.filter((bundled) => !entries.some((entry) => entry.package === bundled.package));
  return [...missing.map((bundled) => ({ package: bundled.package, options: {}, source: `plugins (${bundled.role}, always loaded)` })), ...entries];
}

function withOrigin(problem: ConfigProblem, origins: ReadonlyMap<string, string>): ConfigProblem {
  const variable = origins.get(problem.path);
  return variable === undefined ? problem : { path: problem.path, message: `${problem.message} (set by environment variable ${variable})` };
}

/** Parses YAML; syntax errors are reported with line and column but without the source line, which may hold a credential. */
function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `line ${line}, column ${col}: ${firstLine(error.message)}` };
      }),
      source,
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([{ path: '', message: `cannot be read as YAML: ${error instanceof Error ? firstLine(error.message) : String(error)}` }], source);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
