import { createProviderApp } from './app.js';
import { InMemorySecretStore } from './store.js';

// SIGNING_SECRET may list several secrets separated by commas while you roll it.
const secrets = (process.env.SIGNING_SECRET ?? '').split(',').filter((secret) => secret !== '');
if (secrets.length === 0) {
  console.error('Set SIGNING_SECRET to the signingSecret of the HttpRest provider in Keygate.');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

const server = createProviderApp({ signingSecrets: secrets, store: new InMemorySecretStore() }).listen(port, host, () => {
  console.log(`custom secret provider listening on http://${host}:${port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close());
