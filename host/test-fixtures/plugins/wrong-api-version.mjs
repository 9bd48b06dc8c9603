// A plugin built against a future plugin contract.
export default {
  manifest: 'keygate-plugin',
  name: '@fixtures/wrong-api-version',
  version: '9.0.0',
  apiVersion: 2,
  description: 'Loader test fixture: made for plugin API version 2.',
  provides: [],
};
