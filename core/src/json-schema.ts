/**
 * The subset of JSON Schema (draft 2020-12) that configuration schemas use. Properties holding
 * credentials carry `"x-keygate-secret": true`: the host encrypts them at rest and masks them as
 * `***ENCRYPTED***` in every response.
 */
export interface JsonSchema {
  $id?: string;
  $schema?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'null' | Array<'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'null'>;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: Array<string | number | boolean | null>;
  const?: string | number | boolean | null;
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  /**
   * Conditional subschemas (e.g. a discriminating `mode`). The host's validator reports the failing
   * branch's errors field by field; credential marks are looked for in `properties`, not in these.
   */
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  examples?: unknown[];
  'x-keygate-secret'?: boolean;
}

export const SECRET_MASK = '***ENCRYPTED***';

