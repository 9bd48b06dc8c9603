export type BodyPlaceholder = 'path' | 'key' | 'value';

export interface BodyValues {
  path: string;
  key?: string;
  value?: string;
}

/** A JSON body template of mapped mode, e.g. `{"data": {"value": "{value}"}}`. */
export interface BodyTemplate {
  readonly placeholders: ReadonlySet<BodyPlaceholder>;
  render(values: BodyValues): string;
}

const PLACEHOLDER = /\{(path|key|value)\}/g;

/**
 * The template is a JSON value, not text: `{path}`, `{key}` and `{value}` are replaced inside
 * string values and property names of the parsed structure, in one pass (a value that itself
 * contains `{key}` is not expanded again), and the result is serialised with `JSON.stringify`.
 * So a value with quotes, backslashes or newlines can never change the shape of the body.
 */
export function parseBodyTemplate(template: unknown): BodyTemplate {
  const placeholders = new Set<BodyPlaceholder>();
  collect(template, placeholders, 0);
  return {
    placeholders,
    render(values) {
      return JSON.stringify(substitute(template, values));
    },
  };
}

function collect(node: unknown, found: Set<BodyPlaceholder>, depth: number): void {
  if (depth > 32) throw new Error('is nested too deeply');
  if (typeof node === 'string') {
    for (const match of node.matchAll(PLACEHOLDER)) found.add(match[1] as BodyPlaceholder);
  } else if (Array.isArray(node)) {
    for (const item of node) collect(item, found, depth + 1);
  } else if (typeof node === 'object' && node !== null) {
    for (const [name, child] of Object.entries(node)) {
      collect(name, found, depth);
      collect(child, found, depth + 1);
    }
  } else if (!(node === null || typeof node === 'number' || typeof node === 'boolean')) {
    throw new Error('must be JSON (objects, arrays, strings, numbers, booleans, null)');
  }
}

function fill(text: string, values: BodyValues): string {
  return text.replace(PLACEHOLDER, (whole, name: BodyPlaceholder) => values[name] ?? whole);
}

function substitute(node: unknown, values: BodyValues): unknown {
  if (typeof node === 'string') return fill(node, values);
  if (Array.isArray(node)) return node.map((item) => substitute(item, values));
  if (typeof node === 'object' && node !== null) {
    const copy: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(node)) {
      const filled = fill(name, values);
      // A key named `__proto__` must become a plain member, not a prototype change.
      Object.defineProperty(copy, filled, { value: substitute(child, values), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return node;
}
