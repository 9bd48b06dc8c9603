import { createRequire } from 'node:module';
import type * as SsmSdk from '@aws-sdk/client-ssm';

/**
 * The AWS SDK, loaded the way Node loads it for this package anyway: its `exports` map sends the
 * `node` condition to the CommonJS build. Loading it through `require` keeps resolvers that put
 * the `module` condition first from picking the `dist-es` build, whose extensionless imports only
 * a bundler can follow.
 */
const load = createRequire(import.meta.url);
export const sdk = load('@aws-sdk/client-ssm') as typeof SsmSdk;
