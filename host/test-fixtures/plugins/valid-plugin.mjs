// A sound plugin providing one of each kind, with plugin-level options.
const noCapabilities = { versions: false, compareAndSet: false, labels: false, binary: false, batchRead: false };

export const fixtureStore = {
  kind: 'provider',
  type: 'FixtureStore',
  displayName: 'Fixture store',
  description: 'Keeps nothing; for loader tests.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { address: { type: 'string' }, token: { type: 'string', 'x-keygate-secret': true } },
  },
  capabilities: () => noCapabilities,
  create: async () => {
    throw new Error('not used by loader tests');
  },
};

export default {
  manifest: 'keygate-plugin',
  name: '@fixtures/valid-plugin',
  version: '1.2.3',
  apiVersion: 1,
  description: 'Loader test fixture: one of each kind.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      region: { type: 'string', default: 'eu-west-1' },
      retries: { type: 'integer', minimum: 0, default: 2 },
    },
  },
  provides: [
    fixtureStore,
    {
      kind: 'rotation',
      type: 'FixtureRotation',
      displayName: 'Fixture rotation',
      description: 'For loader tests.',
      settingsSchema: { type: 'object' },
      create: async () => ({ rotate: async () => ({ newValue: 'unused' }) }),
    },
    {
      kind: 'identity',
      type: 'FixtureIdentity',
      displayName: 'Fixture identity',
      description: 'For loader tests.',
      settingsSchema: { type: 'object' },
      create: async () => ({ verify: async () => ({ subject: 'x', claims: {}, expiresAt: new Date(0) }) }),
    },
    {
      kind: 'notifier',
      type: 'FixtureNotifier',
      displayName: 'Fixture notifier',
      description: 'For loader tests.',
      configSchema: { type: 'object' },
      create: async () => ({ notify: async () => undefined }),
    },
  ],
};
