import { it } from 'vitest';
import type { ProviderCapabilities } from '../../contracts/provider.js';
import type { ConformanceContext } from './harness.js';

/**
 * A case that applies only when the provider does (or, with `supported: false`, does not) declare
 * a capability. Capabilities are known only once the harness has made a provider, so the case is
 * always registered and reports itself as skipped when it does not apply.
 */
export function itWith(
  ctx: ConformanceContext,
  capability: keyof ProviderCapabilities,
  supported: boolean,
  name: string,
  body: () => Promise<void>,
): void {
  it(`${name} [${supported ? '' : 'no '}${capability}]`, async ({ skip }) => {
    skip(ctx.capabilities[capability] !== supported, `the provider ${supported ? 'does not declare' : 'declares'} capabilities.${capability}`);
    await body();
  });
}
