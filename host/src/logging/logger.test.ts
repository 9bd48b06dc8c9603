import { describe, expect, it } from 'vitest';
import { InvalidInputError, Secret } from '@keygate/core';
import type { LogFormat, LogLevel } from '../config/types.js';
import { createLogger } from './logger.js';

const NOW = new Date('2025-03-04T05:06:07.089Z');

function capture(level: LogLevel = 'info', format: LogFormat = 'json') {
  const lines: string[] = [];
  const logger = createLogger({ level, format, now: () => NOW, stream: { write: (chunk: string) => lines.push(chunk) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger: JSON lines', () => {
  it('writes one JSON object per line with time, level, msg and the fields', () => {
    const { logger, lines, records } = capture();
    logger.info('plugin loaded', { plugin: '@keygate/provider-local', provides: ['provider:Local'] });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(records()).toEqual([{ time: NOW.toISOString(), level: 'info', msg: 'plugin loaded', plugin: '@keygate/provider-local', provides: ['provider:Local'] }]);
  });

  it('drops lines below the level and writes nothing when silent', () => {
    const { logger, records } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((record) => record.level)).toEqual(['warn', 'error']);

    const silent = capture('silent');
    silent.logger.error('nothing');
    expect(silent.lines).toEqual([]);
  });

  it('carries child bindings into every line, the call fields winning', () => {
    const { logger, records } = capture();
    const child = logger.child({ plugin: 'x', requestId: 'r1' }).child({ tenant: 't' });
    child.info('hello', { requestId: 'r2' });
    expect(records()[0]).toMatchObject({ plugin: 'x', tenant: 't', requestId: 'r2', msg: 'hello' });
  });

  it('keeps fields named like the line members under a prefix instead of overwriting them', () => {
    const { logger, records } = capture();
    logger.info('real', { msg: 'fake', level: 'fake' });
    expect(records()[0]).toMatchObject({ msg: 'real', level: 'info', 'field.msg': 'fake', 'field.level': 'fake' });
  });
});

describe('createLogger: redaction', () => {
  it.each([
    'password',
    'dbPass',
    'clientSecret',
    'token',
    'accessToken',
    'apiKey',
    'api_key',
    'x-api-key',
    'authorization',
    'Cookie',
    'credentials',
    'value',
    'newValue',
  ])('redacts a field named %s', (field) => {
    const { logger, lines } = capture();
    logger.info('m', { [field]: 'hunter2' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ [field]: '[redacted]' });
    expect(lines[0]).not.toContain('hunter2');
  });

  it('redacts nested objects, arrays, maps and child bindings', () => {
    const { logger, lines } = capture();
    logger.child({ auth: { token: 'hunter2' } }).info('m', {
      request: { headers: { authorization: 'Bearer hunter2', accept: 'json' } },
      list: [{ secretId: 'hunter2', id: 1 }],
      map: new Map([['password', 'hunter2']]),
    });
    expect(lines[0]).not.toContain('hunter2');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      auth: { token: '[redacted]' },
      request: { headers: { authorization: '[redacted]', accept: 'json' } },
      list: [{ secretId: '[redacted]', id: 1 }],
      map: { password: '[redacted]' },
    });
  });

  it('prints Secret values as [redacted] under any field name', () => {
    const { logger, lines } = capture();
    logger.info('m', { current: new Secret('hunter2'), nested: { x: [new Secret('hunter2')] } });
    expect(JSON.parse(lines[0]!)).toMatchObject({ current: '[redacted]', nested: { x: ['[redacted]'] } });
  });

  it('recognises a Secret from another copy of core by its behaviour', () => {
    const foreign = { reveal: () => 'hunter2', toJSON: () => '[redacted]', toString: () => '[redacted]' };
    const { logger, lines } = capture();
    logger.info('m', { other: foreign });
    expect(lines[0]).not.toContain('hunter2');
  });

  it('hides the password of connection strings', () => {
    const { logger, lines } = capture();
    logger.info('connecting', { url: 'postgres://keygate:hunter2@db:5432/keygate', target: new URL('https://u:hunter2@example.com/x') });
    expect(JSON.parse(lines[0]!)).toMatchObject({ url: 'postgres://keygate:[redacted]@db:5432/keygate', target: 'https://u:[redacted]@example.com/x' });
  });

  it('logs errors as {name, message, code} without the stack', () => {
    const { logger, records } = capture();
    logger.error('failed', { error: new InvalidInputError('bad input'), plain: Object.assign(new Error('io'), { code: 'ECONNRESET' }) });
    expect(records()[0]).toEqual({
      time: NOW.toISOString(),
      level: 'error',
      msg: 'failed',
      error: { name: 'KeygateError', message: 'bad input', code: 'INVALID_INPUT' },
      plain: { name: 'Error', message: 'io', code: 'ECONNRESET' },
    });
  });

  it('adds stacks and causes at debug level', () => {
    const { logger, records } = capture('debug');
    logger.error('failed', { error: new Error('outer', { cause: new Error('inner') }) });
    const error = records()[0]!.error as Record<string, unknown>;
    expect(error.stack).toEqual(expect.stringContaining('outer'));
    expect(error.cause).toMatchObject({ name: 'Error', message: 'inner' });
  });

  it('survives cycles, binary data, bigints and deep nesting', () => {
    const { logger, records } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i++) deep = { deep };
    logger.info('m', { cyclic, bytes: Buffer.from('hunter2'), big: 10n ** 20n, when: NOW, deep });
    const record = records()[0]!;
    expect(record).toMatchObject({ cyclic: { name: 'loop', self: '[circular]' }, bytes: '[7 bytes]', big: '100000000000000000000', when: NOW.toISOString() });
    expect(JSON.stringify(record.deep)).toContain('[truncated]');
  });
});

describe('createLogger: pretty format', () => {
  it('writes a readable line with key=value fields, still redacted', () => {
    const { logger, lines } = capture('info', 'pretty');
    logger.warn('slow provider', { provider: 'vault-prod', ms: 1200, note: 'took a while', token: 'hunter2' });
    expect(lines).toEqual([`${NOW.toISOString()} WARN  slow provider provider=vault-prod ms=1200 note="took a while" token="[redacted]"\n`]);
  });

  it('puts stacks on their own lines at debug level', () => {
    const { logger, lines } = capture('debug', 'pretty');
    logger.error('failed', { error: new Error('boom') });
    const [first, ...rest] = lines[0]!.trimEnd().split('\n');
    expect(first).toBe(`${NOW.toISOString()} ERROR failed error={"name":"Error","message":"boom"}`);
    expect(rest[0]).toBe('    Error: boom');
  });
});
