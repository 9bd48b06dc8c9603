import { describe, expect, it } from 'vitest';
import { SECRET_MASK, type JsonSchema } from '@keygate/core';
import { compileValidator, maskSecrets, secretPaths, transformSecrets } from './json-schema.js';
import { closestName, editDistance } from './did-you-mean.js';

const serverSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      required: ['host'],
      properties: {
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
        host: { type: 'string', minLength: 1 },
        bodyLimit: { type: ['string', 'integer'], pattern: '^[0-9]+(kb|mb)$', examples: ['512kb'] },
      },
    },
    plugins: {
      type: 'array',
      items: { type: 'object', required: ['package'], properties: { package: { type: 'string', minLength: 1 } } },
    },
    level: { enum: ['debug', 'info'] },
    url: { type: 'string', format: 'uri' },
  },
};

describe('compileValidator', () => {
  it('accepts a valid value and returns it', () => {
    const value = { server: { host: 'localhost', port: 80 } };
    expect(compileValidator(serverSchema)(value)).toEqual({ ok: true, value });
  });

  it('names every offending field by its dotted path', () => {
    const result = compileValidator(serverSchema)({
      server: { port: 'eighty', host: '' },
      plugins: [{ package: 'a' }, { packge: 'b' }],
      level: 'verbose',
      url: 'not a url',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: 'server.port', message: 'must be an integer' },
        { path: 'server.host', message: 'must not be empty' },
        { path: 'plugins[1].package', message: 'is required' },
        { path: 'level', message: 'must be one of "debug", "info"' },
        { path: 'url', message: 'must be a valid uri' },
      ]),
    );
  });

  it('reports an unknown field with the closest known name', () => {
    const result = compileValidator(serverSchema)({ server: { host: 'h', prot: 1 }, sever: {} });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: '', message: 'unknown field "sever" (did you mean "server"?)' },
        { path: 'server', message: 'unknown field "prot" (did you mean "port"?)' },
      ],
    });
  });

  it('does not suggest a name that is too far away', () => {
    const result = compileValidator(serverSchema)({ server: { host: 'h', listenAddress: 1 } });
    expect(result).toEqual({ ok: false, errors: [{ path: 'server', message: 'unknown field "listenAddress"' }] });
  });

  it('gives examples with pattern errors, and never the rejected value', () => {
    const result = compileValidator(serverSchema)({ server: { host: 'h', bodyLimit: 'hunter2-lots' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ path: 'server.bodyLimit', message: 'must match the pattern ^[0-9]+(kb|mb)$ (for example "512kb")' }]);
    expect(JSON.stringify(result.errors)).not.toContain('hunter2');
  });

  it('explains a union type mismatch in words', () => {
    const result = compileValidator(serverSchema)({ server: { host: 'h', bodyLimit: true } });
    expect(result).toEqual({ ok: false, errors: [{ path: 'server.bodyLimit', message: 'must be a string or an integer' }] });
  });

  it('reports the errors of the anyOf branch whose type matches', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { limit: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^[0-9]+mb$' }] } },
    };
    const validate = compileValidator(schema);
    expect(validate({ limit: 0 })).toEqual({ ok: false, errors: [{ path: 'limit', message: 'must be >= 1' }] });
    expect(validate({ limit: false })).toEqual({ ok: false, errors: [{ path: 'limit', message: 'must be an integer or a string' }] });
  });

  it('quotes keys that are not identifiers and keeps numeric keys of objects as keys', () => {
    const schema: JsonSchema = { type: 'object', additionalProperties: { type: 'object', properties: { n: { type: 'integer' } } } };
    const result = compileValidator(schema)({ 'a.b': { n: 'x' }, 7: { n: 'y' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path).sort()).toEqual(['["7"].n', '["a.b"].n']);
  });

  it('caches validators by schema object', () => {
    expect(compileValidator(serverSchema)).toBe(compileValidator(serverSchema));
    expect(compileValidator(serverSchema, { applyDefaults: true })).not.toBe(compileValidator(serverSchema));
  });

  it('fills defaults into a copy when asked', () => {
    const input = { server: { host: 'h' } };
    const result = compileValidator(serverSchema, { applyDefaults: true })(input);
    expect(result).toEqual({ ok: true, value: { server: { host: 'h', port: 8080 } } });
    expect(input).toEqual({ server: { host: 'h' } });
  });

  it('tolerates defaults it cannot apply, but not misspelt keywords, when filling defaults', () => {
    const schema: JsonSchema = { type: 'object', anyOf: [{ properties: { a: { type: 'string', default: 'x' } } }, { required: ['b'] }] };
    expect(compileValidator(schema, { applyDefaults: true })({ b: 1 })).toEqual({ ok: true, value: { b: 1 } });
    const typo = { type: 'object', properties: { a: { type: 'string', defualt: 'x' } } } as unknown as JsonSchema;
    expect(() => compileValidator(typo, { applyDefaults: true })).toThrow(/defualt/);
  });

  it('knows the x-keygate-secret keyword and still rejects unknown keywords', () => {
    expect(() => compileValidator({ type: 'string', 'x-keygate-secret': true })).not.toThrow();
    const typo = { type: 'string', minLenght: 3 } as unknown as JsonSchema;
    expect(() => compileValidator(typo)).toThrow(/invalid JSON Schema: .*minLenght/);
  });
});

const credentialsSchema: JsonSchema = {
  type: 'object',
  properties: {
    address: { type: 'string' },
    token: { type: 'string', 'x-keygate-secret': true },
    auth: {
      type: 'object',
      properties: { roleId: { type: 'string' }, secretId: { type: 'string', 'x-keygate-secret': true } },
    },
    endpoints: {
      type: 'array',
      items: { type: 'object', properties: { url: { type: 'string' }, apiKey: { type: 'string', 'x-keygate-secret': true } } },
    },
    headers: { type: 'object', additionalProperties: { type: 'string', 'x-keygate-secret': true } },
  },
  anyOf: [{ properties: { password: { type: 'string', 'x-keygate-secret': true } } }, { required: ['token'] }],
};

describe('maskSecrets', () => {
  const config = {
    address: 'https://vault.example',
    token: 's.abc',
    password: 'pw',
    auth: { roleId: 'role', secretId: 'sid' },
    endpoints: [{ url: 'https://a', apiKey: 'k1' }, { url: 'https://b' }],
    headers: { 'X-Api-Key': 'hk' },
    extra: { nested: 'kept' },
  };

  it('replaces every marked credential, top-level and nested, in a copy', () => {
    const masked = maskSecrets(credentialsSchema, config);
    expect(masked).toEqual({
      address: 'https://vault.example',
      token: SECRET_MASK,
      password: SECRET_MASK,
      auth: { roleId: 'role', secretId: SECRET_MASK },
      endpoints: [{ url: 'https://a', apiKey: SECRET_MASK }, { url: 'https://b' }],
      headers: { 'X-Api-Key': SECRET_MASK },
      extra: { nested: 'kept' },
    });
    expect(config.token).toBe('s.abc');
    expect(masked.extra).not.toBe(config.extra);
  });

  it('leaves absent and empty credentials as they are', () => {
    expect(maskSecrets(credentialsSchema, { token: '', auth: {} })).toEqual({ token: '', auth: {} });
  });

  it('lets the caller transform credentials, e.g. to encrypt them, with their paths', () => {
    const seen: string[] = [];
    const encrypted = transformSecrets(credentialsSchema, { token: 't', auth: { secretId: 's' } }, (value, path) => {
      seen.push(path);
      return `enc(${String(value)})`;
    });
    expect(encrypted).toEqual({ token: 'enc(t)', auth: { secretId: 'enc(s)' } });
    expect(seen).toEqual(['token', 'auth.secretId']);
  });
});

describe('secretPaths', () => {
  it('lists the marked properties with list and map notation', () => {
    expect(secretPaths(credentialsSchema).sort()).toEqual(['auth.secretId', 'endpoints[].apiKey', 'headers.*', 'password', 'token']);
  });

  it('is empty for a schema without credentials', () => {
    expect(secretPaths({ type: 'object', properties: { a: { type: 'string' } } })).toEqual([]);
  });
});

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('prot', 'port')).toBe(2);
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('picks the closest name within two edits, ignoring case', () => {
    expect(closestName('bodylimit', ['bodyLimit', 'host'])).toBe('bodyLimit');
    expect(closestName('hots', ['host', 'port'])).toBe('host');
    expect(closestName('database', ['host', 'port'])).toBeUndefined();
  });
});
