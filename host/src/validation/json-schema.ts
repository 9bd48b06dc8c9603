import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '@keygate/core';
import { describeErrors, type ValidationIssue } from './validation-errors.js';

export type { ValidationIssue } from './validation-errors.js';
export { maskSecrets, secretPaths, transformSecrets } from './secret-fields.js';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };
export type Validator<T = unknown> = (value: unknown) => ValidationResult<T>;

export interface CompileOptions {
  /**
   * Fill absent properties from their schema's `default`. The input is left untouched: `value`
   * in the result is a filled copy.
   */
  applyDefaults?: boolean;
  /**
   * With `applyDefaults`: the schema is the host's own and a test compiles it strictly, so the
   * strict compilation (which only finds mistakes in the schema) is not repeated at every start.
   */
  strictlyTested?: boolean;
}

// ajv and ajv-formats are CommonJS modules whose class/function is also their `default` member;
// under NodeNext the default import is the whole module, so the member is taken explicitly.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

function createAjv(useDefaults: boolean): InstanceType<typeof Ajv2020> {
  const ajv = new Ajv2020({
    allErrors: true,
    // Gives errors their parent schema, which "did you mean" needs to know the valid names.
    verbose: true,
    // Unknown keywords stay errors (they are usually typos in a schema); the one extension
    // keyword is declared instead. The other strict checks would refuse common, valid idioms
    // (`properties` beside a union type, `anyOf: [{required: [a]}, {required: [b]}]`). The defaults
    // engine is not strict at all, because it would also refuse defaults it cannot apply (inside
    // anyOf branches), which are harmless; every schema goes through the strict engine first.
    strictSchema: !useDefaults,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    useDefaults,
  });
  addFormats(ajv);
  // Annotation only: marks credentials, which the host encrypts at rest and masks in responses.
  ajv.addKeyword({ keyword: 'x-keygate-secret', schemaType: 'boolean' });
  return ajv;
}

const engines = {
  plain: { ajv: createAjv(false), cache: new WeakMap<JsonSchema, Validator>() },
  defaults: { ajv: createAjv(true), cache: new WeakMap<JsonSchema, Validator>() },
};

/**
 * Compiles a JSON Schema (draft 2020-12) once per schema object and returns a validator whose
 * errors name each offending field by its dotted path. Throws when the schema itself is invalid.
 *
 * The type parameter is the caller's claim about what the schema describes; it is not checked.
 */
export function compileValidator<T = unknown>(schema: JsonSchema, options: CompileOptions = {}): Validator<T> {
  const engine = options.applyDefaults ? engines.defaults : engines.plain;
  const cached = engine.cache.get(schema);
  if (cached) return cached as Validator<T>;
  if (options.applyDefaults && !options.strictlyTested) compileValidator(schema);

  let validate: ReturnType<typeof engine.ajv.compile>;
  try {
    validate = engine.ajv.compile(schema);
  } catch (error) {
    throw new Error(`invalid JSON Schema: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const validator: Validator<T> = (input) => {
    const value: unknown = options.applyDefaults ? structuredClone(input) : input;
    if (validate(value)) return { ok: true, value: value as T };
    return { ok: false, errors: describeErrors(validate.errors ?? [], value) };
  };
  engine.cache.set(schema, validator as Validator);
  return validator;
}
