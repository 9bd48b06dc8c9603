// A plugin with required, typed options, to check that every option error is reported with its path.
export default {
  manifest: 'keygate-plugin',
  name: '@fixtures/strict-options',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Loader test fixture: strict options.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['endpoint'],
    properties: {
      endpoint: { type: 'string', format: 'uri' },
      timeoutMs: { type: 'integer', minimum: 1 },
      tls: { type: 'object', additionalProperties: false, properties: { verify: { type: 'boolean' } } },
    },
  },
  provides: [],
};
