import type { ErrorObject } from 'ajv/dist/2020.js';
import { closestName } from './did-you-mean.js';

/** One problem with a validated value. `path` is dotted (`server.port`, `plugins[1].package`; `''` is the root). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Turns Ajv's errors into messages a person can act on. Ajv reports JSON pointers and generic
 * texts ("must NOT have additional properties"); operators and API callers need the field's name,
 * what was expected and, for a typo, the name they probably meant. Messages never include the
 * offending value: it may be a credential.
 */
export function describeErrors(errors: readonly ErrorObject[], data: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of collapseAlternatives(errors)) {
    const issue = describeError(error, data);
    if (!issue) continue;
    const id = `${issue.path}\u0000${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

/** Joins a dotted path and a property name, bracket-quoting names that are not plain identifiers. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** JSON pointer → dotted path, using the data to tell array indices from numeric object keys. */
export function pointerToPath(pointer: string, data: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let current: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      path = joinPath(path, index);
      current = current[index];
    } else {
      path = joinPath(path, segment);
      current = isRecord(current) ? current[segment] : undefined;
    }
  }
  return path;
}

function describeError(error: ErrorObject, data: unknown): ValidationIssue | undefined {
  const path = pointerToPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) {
    // An error about an object's key (propertyNames), reported on the object itself.
    return { path, message: `field name ${JSON.stringify(error.propertyName)} ${error.message ?? 'is invalid'}` };
  }
  switch (error.keyword) {
    case 'required':
      return { path: joinPath(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      const known = Object.keys(error.parentSchema?.properties ?? {});
      const suggestion = closestName(name, known);
      return { path, message: `unknown field ${JSON.stringify(name)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}` };
    }
    case 'type':
      return { path, message: `must be ${describeTypes(params.type)}` };
    case 'enum':
      return { path, message: `must be one of ${listValues(params.allowedValues)}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern':
      return { path, message: `must match the pattern ${String(params.pattern)}${examplesOf(error)}` };
    case 'format':
      return { path, message: `must be a valid ${String(params.format)}${examplesOf(error)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(params.comparison)} ${String(params.limit)}` };
    case 'minLength':
      return { path, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long` };
    case 'maxLength':
      return { path, message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return { path, message: `must have at least ${plural(params.limit, 'item')}` };
    case 'maxItems':
      return { path, message: `must have at most ${plural(params.limit, 'item')}` };
    case 'minProperties':
      return { path, message: `must have at least ${plural(params.limit, 'field')}` };
    case 'maxProperties':
      return { path, message: `must have at most ${plural(params.limit, 'field')}` };
    case 'uniqueItems':
      return { path, message: `must not contain duplicates (items ${String(params.j)} and ${String(params.i)} are equal)` };
    case 'dependentRequired':
      return { path: joinPath(path, String(params.missingProperty)), message: `is required when ${JSON.stringify(params.property)} is set` };
    case 'anyOf':
      return { path, message: `must be ${describeAlternatives(error.schema)}` };
    case 'oneOf':
      return Array.isArray(params.passingSchemas)
        ? { path, message: 'matches more than one of the allowed forms; make it match exactly one' }
        : { path, message: `must be ${describeAlternatives(error.schema)}` };
    case 'if':
      // Ajv pairs every failed `then`/`else` with an `if` error that says nothing more.
      return undefined;
    default:
      return { path, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/**
 * For a failed anyOf/oneOf, Ajv reports every branch's errors too. When exactly one branch has the
 * value's type, that branch is what the author meant: keep its (specific) errors and drop the
 * summary. Otherwise keep only the summary ("must be a string or an integer").
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const alternatives = errors
    .filter((error) => error.keyword === 'anyOf' || (error.keyword === 'oneOf' && !Array.isArray((error.params as { passingSchemas?: unknown }).passingSchemas)))
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const alternative of alternatives) {
    if (dropped.has(alternative)) continue;
    const prefix = `${alternative.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      if (!error.schemaPath.startsWith(prefix) || dropped.has(error)) continue;
      const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const typeMatches = [...branches.values()].filter(
      (branchErrors) => !branchErrors.some((error) => error.keyword === 'type' && error.instancePath === alternative.instancePath),
    );
    const keep = typeMatches.length === 1 ? typeMatches[0]! : [];
    for (const branchErrors of branches.values()) {
      for (const error of branchErrors) if (!keep.includes(error)) dropped.add(error);
    }
    if (keep.length > 0) dropped.add(alternative);
  }
  return errors.filter((error) => !dropped.has(error));
}

const ARTICLES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  object: 'an object (a mapping of fields)',
  array: 'a list',
  null: 'null',
};

function describeTypes(type: unknown): string {
  const types = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return orList(types.map((name) => ARTICLES[name] ?? name));
}

function describeAlternatives(schema: unknown): string {
  if (!Array.isArray(schema)) return 'one of the allowed forms';
  const described = schema.map((branch: unknown) => {
    if (!isRecord(branch)) return undefined;
    if ('const' in branch) return JSON.stringify(branch.const);
    return branch.type === undefined ? undefined : describeTypes(branch.type);
  });
  if (described.some((text) => text === undefined)) return 'one of the allowed forms';
  return orList([...new Set(described as string[])]);
}

function examplesOf(error: ErrorObject): string {
  const examples = error.parentSchema?.examples;
  if (!Array.isArray(examples) || examples.length === 0) return '';
  return ` (for example ${examples.map((example) => JSON.stringify(example)).join(' or ')})`;
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : String(values);
}

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

function plural(count: unknown, noun: string): string {
  return `${String(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
