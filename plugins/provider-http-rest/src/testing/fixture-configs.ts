import type { MappedModeConfig } from '../config.js';

/**
 * Mapped-mode configurations for the two fixture APIs in `src/testing`, used by the tests and
 * shown in the README: they are what an operator would write for APIs of these shapes.
 */
export function keyPerResourceConfig(baseUrl: string, token: string): MappedModeConfig {
  return {
    mode: 'mapped',
    pathTemplate: '{tenant}/{project}/{environment}',
    auth: { type: 'bearer', token },
    operations: {
      list: {
        method: 'GET',
        url: `${baseUrl}/v1/secrets/{path}?list=true`,
        response: { pointer: '/items', shape: 'entries', keyPointer: '/name', valuePointer: '/value' },
      },
      get: { method: 'GET', url: `${baseUrl}/v1/secrets/{path}/{key}`, valuePointer: '/data/value' },
      set: { method: 'PUT', url: `${baseUrl}/v1/secrets/{path}/{key}`, body: { value: '{value}' } },
      delete: { method: 'DELETE', url: `${baseUrl}/v1/secrets/{path}/{key}` },
    },
  };
}

export function documentConfig(baseUrl: string, apiKey: string, options: { withGet?: boolean } = {}): MappedModeConfig {
  return {
    mode: 'mapped',
    pathTemplate: 'keygate/{tenant}/{project}/{environment}',
    auth: { type: 'apiKey', header: 'X-Api-Key', value: apiKey },
    operations: {
      list: { method: 'GET', url: `${baseUrl}/documents/{path}`, response: { pointer: '/secrets', shape: 'map' } },
      ...(options.withGet === false ? {} : { get: { method: 'GET', url: `${baseUrl}/documents/{path}`, valuePointer: '/secrets/{key}' } }),
      set: { method: 'PATCH', url: `${baseUrl}/documents/{path}`, contentType: 'application/merge-patch+json', body: { secrets: { '{key}': '{value}' } } },
      delete: { method: 'PATCH', url: `${baseUrl}/documents/{path}`, contentType: 'application/merge-patch+json', body: { secrets: { '{key}': null } }, confirmExists: true },
    },
  };
}
