import { definePlugin } from '@keygate/core';
import { oidcIdentityType, PLUGIN_NAME } from './oidc-identity.js';

export { oidcIdentityType, checkOidcRules } from './oidc-identity.js';

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  description: 'Keyless workload identity for any OpenID Connect issuer',
  provides: [oidcIdentityType],
});
