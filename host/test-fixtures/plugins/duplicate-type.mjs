// A second plugin that claims the provider type `FixtureStore`, which valid-plugin.mjs provides.
export default {
  manifest: 'keygate-plugin',
  name: '@fixtures/duplicate-type',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Loader test fixture: duplicate provider type.',
  provides: [
    {
      kind: 'provider',
      type: 'FixtureStore',
      displayName: 'Another fixture store',
      description: 'Clashes with valid-plugin.mjs.',
      configSchema: { type: 'object' },
      capabilities: () => ({ versions: false, compareAndSet: false, labels: false, binary: false, batchRead: false }),
      create: async () => {
        throw new Error('not used by loader tests');
      },
    },
  ],
};
