export { createProviderApp, type ProviderAppOptions } from './app.js';
export { InMemorySecretStore, type SecretStore } from './store.js';
