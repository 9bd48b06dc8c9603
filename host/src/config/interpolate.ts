import type { ConfigProblem } from './config-error.js';
import { joinPath } from '../validation/validation-errors.js';

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value of a parsed YAML tree (keys are
 * left alone); `$${` stands for a literal `${`. As in the shell, the default is used when the
 * variable is unset or empty. Substitution happens after parsing, so a value containing `:`, `#`
 * or a newline stays one string and cannot change the file's structure.
 *
 * A mapping value that contains a substitution and comes out empty is dropped, i.e. counts as not
 * set: `bootstrapApiKey: ${KEYGATE_BOOTSTRAP_API_KEY:-}` is optional, not an invalid empty key.
 *
 * Problems are collected rather than thrown so every missing variable is reported at once.
 */
export function interpolateTree(value: unknown, env: NodeJS.ProcessEnv, problems: ConfigProblem[], path = ''): unknown {
  if (typeof value === 'string') return substitute(value, env, problems, path).text;
  if (Array.isArray(value)) return value.map((item: unknown, index) => interpolateTree(item, env, problems, joinPath(path, index)));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = joinPath(path, key);
    if (typeof child !== 'string') {
      result[key] = interpolateTree(child, env, problems, childPath);
      continue;
    }
    const { text, references } = substitute(child, env, problems, childPath);
    if (references === 0 || text !== '') result[key] = text;
  }
  return result;
}

function substitute(text: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[], path: string): { text: string; references: number } {
  let result = '';
  let references = 0;
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('$${', index)) {
      result += '${';
      index += 3;
      continue;
    }
    if (!text.startsWith('${', index)) {
      result += text[index];
      index += 1;
      continue;
    }
    const end = text.indexOf('}', index + 2);
    if (end === -1) {
      problems.push({ path, message: 'has a "${" without its closing "}" (write "$${" for a literal "${")' });
      return { text, references };
    }
    const reference = REFERENCE.exec(text.slice(index + 2, end));
    if (!reference) {
      // The text between the braces is not echoed: it may be a pasted credential.
      problems.push({ path, message: 'has a "${…}" that is not ${NAME} or ${NAME:-default} (write "$${" for a literal "${")' });
      return { text, references };
    }
    references += 1;
    const name = reference[1]!;
    const fallback = reference[2];
    const variable = env[name];
    if (fallback !== undefined && (variable === undefined || variable === '')) {
      result += fallback;
    } else if (variable === undefined) {
      problems.push({ path, message: `environment variable "${name}" is not set (give a default with \${${name}:-default})` });
    } else {
      result += variable;
    }
    index = end + 1;
  }
  return { text: result, references };
}
