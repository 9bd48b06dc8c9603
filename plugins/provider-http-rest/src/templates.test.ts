import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestPluginServices, expectErrorCode } from '@keygate/core/testing';
import { parseBodyTemplate } from './body-template.js';
import { parseJsonPointer } from './json-pointer.js';
import { parseScopePath } from './scope-path.js';
import { parseUrlTemplate } from './url-template.js';
import { createHttpRestProvider, type HttpRestProviderConfig } from './index.js';
import { keyPerResourceConfig } from './testing/index.js';

describe('URL templates', () => {
  it('encodes {path} per segment and {key} as one segment or query value', () => {
    const template = parseUrlTemplate('https://api.example.com/v1/{path}/{key}?version=latest');
    expect(template.render({ path: 'shop/prod', key: 'A.B-c_9' })).toBe('https://api.example.com/v1/shop/prod/A.B-c_9?version=latest');
    expect(template.render({ path: 'sh op/prod', key: 'a?b#c&d%' })).toBe('https://api.example.com/v1/sh%20op/prod/a%3Fb%23c%26d%25?version=latest');
    const query = parseUrlTemplate('http://127.0.0.1:8080/secrets?folder={path}&name={key}');
    expect(query.render({ path: 'shop/prod', key: 'x&admin=1' })).toBe('http://127.0.0.1:8080/secrets?folder=shop%2Fprod&name=x%26admin%3D1');
  });

  it('refuses keys that URL parsers treat as navigation', () => {
    const template = parseUrlTemplate('https://api.example.com/v1/{path}/{key}');
    for (const key of ['.', '..', '', 'a/b']) expect(() => template.render({ path: 'p/e', key })).toThrow(/key must be/);
  });

  it('refuses templates that would let a value escape its slot', () => {
    const bad: Array<[string, RegExp]> = [
      ['https://{key}.example.com/v1', /host without placeholders/],
      ['https://example.com{key}', /host without placeholders/],
      ['https://user:pw@example.com/{key}', /credentials/],
      ['https://example.com/v1/prefix-{key}', /whole path segment/],
      ['https://example.com/v1/{key}.json', /whole path segment/],
      ['https://example.com/v1?q=a{key}', /whole query value/],
      ['https://example.com/v1?{key}=1', /whole query value/],
      ['https://example.com/v1/{value}', /unknown placeholder/],
      ['https://example.com/v1/{path}#{key}', /fragment/],
      ['ftp://example.com/{key}', /http/],
      ['https://example.com/v1/{key', /stray/],
    ];
    for (const [source, message] of bad) expect(() => parseUrlTemplate(source), source).toThrow(message);
  });
});

describe('body templates', () => {
  it('inserts values structurally, so quotes and placeholders in a value change nothing', () => {
    const template = parseBodyTemplate({ data: { value: '{value}', note: 'for {key}' }, meta: { '{key}': true }, list: ['{path}', 1, null] });
    const value = '","admin":true,"x":"{key}\\\n';
    const body = JSON.parse(template.render({ path: 'p/e', key: 'K', value })) as Record<string, unknown>;
    expect(body).toEqual({ data: { value, note: 'for K' }, meta: { K: true }, list: ['p/e', 1, null] });
    expect([...template.placeholders].sort()).toEqual(['key', 'path', 'value']);
  });

  it('keeps a key named __proto__ as a plain member', () => {
    const body = parseBodyTemplate({ secrets: { '{key}': '{value}' } }).render({ path: 'p', key: '__proto__', value: 'v' });
    expect(body).toBe('{"secrets":{"__proto__":"v"}}');
  });
});

describe('JSON pointers', () => {
  it('resolves RFC 6901 pointers with a {key} token', () => {
    const document = { 'a/b': { '~x': [10, 20] }, values: { 'K/1': 'v' } };
    expect(parseJsonPointer('/a~1b/~0x/1').resolve(document)).toEqual({ found: true, value: 20 });
    expect(parseJsonPointer('/values/{key}').resolve(document, 'K/1')).toEqual({ found: true, value: 'v' });
    expect(parseJsonPointer('/values/{key}').resolve(document, 'toString')).toEqual({ found: false });
    expect(parseJsonPointer('').resolve(document)).toEqual({ found: true, value: document });
    expect(() => parseJsonPointer('values')).toThrow();
  });
});

describe('scope paths', () => {
  it('renders the default and custom templates and refuses unsafe ones', () => {
    expect(parseScopePath('{project}/{environment}').render({ tenant: 't', project: 'shop', environment: 'prod' })).toBe('shop/prod');
    expect(parseScopePath('kg/{tenant}/{project}/{environment}').render({ tenant: 't', project: 'shop', environment: 'prod' })).toBe('kg/t/shop/prod');
    for (const source of ['{project}', '{environment}/{project}/{project}', '/{project}/{environment}', '{project}/../{environment}', '{project}:{environment}', '{foo}/{project}/{environment}']) {
      expect(() => parseScopePath(source), source).toThrow();
    }
  });
});

describe('configuration', () => {
  const create = (config: unknown) =>
    createHttpRestProvider({ config: config as HttpRestProviderConfig, providerId: randomUUID(), services: createTestPluginServices() });
  const mapped = keyPerResourceConfig('https://api.example.com', 'token');

  it('refuses bad configurations with INVALID_CONFIGURATION naming the field, never a credential', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ url: 'https://x.example.com', signingSecret: 'short' }, /signingSecret/],
      [{ url: 'not a url', signingSecret: 'long-enough-secret-123' }, /url/],
      [{ url: 'https://x.example.com', signingSecret: 'long-enough-secret-123', headers: { 'X-Bella-Signature': 'x' } }, /set by the provider/],
      [{ url: 'https://x.example.com', signingSecret: 'long-enough-secret-123', headers: { 'X-Key': 'sec\nret' } }, /headers\.X-Key/],
      [{ url: 'https://x.example.com', signingSecret: 'long-enough-secret-123', pathTemplate: '{project}' }, /pathTemplate/],
      [{ mode: 'other' }, /mode/],
      [{ ...mapped, operations: { ...mapped.operations, set: { ...mapped.operations.set, body: { value: 'constant' } } } }, /operations\.set\.body/],
      [{ ...mapped, operations: { ...mapped.operations, delete: { method: 'DELETE', url: 'https://api.example.com/v1/{path}' } } }, /operations\.delete must use \{key\}/],
      [{ ...mapped, operations: { ...mapped.operations, list: { method: 'GET', url: 'https://api.example.com/v1/all' } } }, /operations\.list must use \{path\}/],
      [{ ...mapped, operations: { ...mapped.operations, get: { method: 'GET', url: 'https://api.example.com/v1/{path}/x-{key}' } } }, /operations\.get\.url/],
      [{ ...mapped, auth: { type: 'bearer', token: 'tok\r\nX-Evil: 1' } }, /auth\.token/],
      [{ ...mapped, operations: { ...mapped.operations, extra: {} } }, /operations\.extra/],
    ];
    for (const [config, message] of cases) {
      const failure = create(config);
      await expectErrorCode(failure, 'INVALID_CONFIGURATION', JSON.stringify(config));
      const error = (await failure.catch((caught: unknown) => caught)) as Error;
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/tok\r|sec\nret|long-enough-secret/);
    }
  });

  it('refuses versions, compare-and-set and labels instead of ignoring them', async () => {
    const provider = await create({ url: 'https://x.example.com', signingSecret: 'long-enough-secret-123' });
    expect(provider.capabilities).toEqual({ versions: false, compareAndSet: false, labels: false, binary: false, batchRead: true });
    const ref = { tenant: 't', project: 'p', environment: 'e', key: 'K' };
    await expectErrorCode(provider.get(ref, { version: '1' }), 'UNSUPPORTED', 'get with a version');
  });
});
