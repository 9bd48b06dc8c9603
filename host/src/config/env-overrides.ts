/**
 * Environment variables that override keygate.yaml. They win over the file so that a container
 * platform (which sets PORT, DATABASE_URL, …) works with an unchanged image. An empty variable
 * counts as unset.
 */
export const ENV_OVERRIDES: ReadonlyArray<{ variable: string; path: readonly string[] }> = [
  { variable: 'PORT', path: ['server', 'port'] },
  { variable: 'DATABASE_URL', path: ['database', 'url'] },
  { variable: 'KEYGATE_DATA_DIR', path: ['dataDir'] },
  { variable: 'KEYGATE_BOOTSTRAP_API_KEY', path: ['security', 'bootstrapApiKey'] },
  { variable: 'KEYGATE_MASTER_KEY', path: ['security', 'masterKey'] },
  { variable: 'KEYGATE_OUTBOUND_ALLOW_LOOPBACK', path: ['outbound', 'allowLoopback'] },
  { variable: 'KEYGATE_LOG_LEVEL', path: ['logging', 'level'] },
  { variable: 'KEYGATE_LOG_FORMAT', path: ['logging', 'format'] },
];

/**
 * Writes the overrides into `document` (as strings: the schema-guided coercion turns them into
 * numbers and booleans) and returns which variable set which dotted path, so that a bad value is
 * reported against the variable the operator actually has to fix.
 */
export function applyEnvOverrides(document: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const origins = new Map<string, string>();
  for (const { variable, path } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    let target: Record<string, unknown> = document;
    let reachable = true;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (next === undefined || next === null) target[key] = {};
      else if (typeof next !== 'object' || Array.isArray(next)) {
        reachable = false; // the section has the wrong type; validation reports it
        break;
      }
      target = target[key] as Record<string, unknown>;
    }
    if (!reachable) continue;
    target[path.at(-1)!] = value;
    origins.set(path.join('.'), variable);
  }
  return origins;
}
