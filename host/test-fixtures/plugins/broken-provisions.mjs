// A manifest whose provisions are unusable: caught at start rather than at first use.
export default {
  manifest: 'keygate-plugin',
  name: '@fixtures/broken-provisions',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Loader test fixture: broken provisions.',
  provides: [
    { kind: 'provider', type: 'NoFactory', displayName: 'No factory', description: 'Lacks create and capabilities.', configSchema: { type: 'object' } },
    {
      kind: 'notifier',
      type: 'BadSchema',
      displayName: 'Bad schema',
      description: 'Its schema misspells a keyword.',
      configSchema: { type: 'object', properties: { url: { type: 'string', fromat: 'uri' } } },
      create: async () => ({ notify: async () => undefined }),
    },
    { kind: 'storage', type: 'Mystery' },
  ],
};
