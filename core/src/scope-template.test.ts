import { describe, expect, it } from 'vitest';
import { parseScopeTemplate } from './scope-template.js';

const scope = { tenant: 't1', project: 'shop', environment: 'prod' };
const plain = (value: string): string => value;

describe('parseScopeTemplate', () => {
  it('renders each placeholder through the segment function', () => {
    expect(parseScopeTemplate('kv/{tenant}/{project}/{environment}').render(scope, plain)).toBe('kv/t1/shop/prod');
    expect(parseScopeTemplate('{project}-{environment}', ['project', 'environment']).render(scope, (value, name) => `${name}:${value}`)).toBe('project:shop-environment:prod');
  });

  it.each([
    ['', 'must be a non-empty string'],
    ['{project}/{environment}', 'must contain {tenant}'],
    ['{tenant}/{project}/{environment}/{project}', 'uses {project} more than once'],
    ['{tenant}/{project}/{env}', 'has an unknown placeholder {env}'],
    ['{tenant}/{project}/{environment}?x=1', 'may contain only letters'],
    ['/{tenant}/{project}/{environment}', 'may not start or end with "/"'],
    ['{tenant}/../{project}/{environment}', 'may not start or end with "/" or have empty, "." or ".." segments'],
    ['{tenant}//{project}/{environment}', 'may not start or end with "/" or have empty'],
  ])('refuses %j', (source, message) => {
    expect(() => parseScopeTemplate(source)).toThrow(message);
  });

  it('needs only the placeholders it is told to', () => {
    expect(parseScopeTemplate('{project}/{environment}', ['project', 'environment']).source).toBe('{project}/{environment}');
    expect(() => parseScopeTemplate('{project}', ['project', 'environment'])).toThrow('must contain {environment}');
  });
});
