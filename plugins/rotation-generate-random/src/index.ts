import { InvalidInputError, Secret, definePlugin, type RotationContext, type RotationResult, type RotationStrategy, type RotationStrategyType } from '@keygate/core';
import { RANDOM_FORMATS, generate, type RandomFormat } from './formats.js';

export { ALPHANUMERIC, RANDOM_FORMATS, generate, sampleAlphabet, type ByteSource, type RandomFormat } from './formats.js';

export const DEFAULT_RANDOM_FORMAT: RandomFormat = 'alphanumeric-32';

function formatOf(settings: Record<string, unknown>): RandomFormat {
  const format = settings.randomFormat ?? DEFAULT_RANDOM_FORMAT;
  if (typeof format !== 'string' || !(RANDOM_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInputError(`randomFormat must be one of ${RANDOM_FORMATS.join(', ')}`, { field: 'randomFormat' });
  }
  return format as RandomFormat;
}

/**
 * Makes values in-process. Stateless and deterministic in shape only, so calling it again for the
 * same requestId gives a different value: the host must not regenerate once a value may have been
 * stored (it checks the provider's version first).
 */
class GenerateRandomStrategy implements RotationStrategy {
  // async so that bad settings reject the promise rather than throw synchronously.
  async rotate(context: RotationContext): Promise<RotationResult> {
    return { newValue: new Secret(generate(formatOf(context.settings))) };
  }
}

export const generateRandomStrategyType: RotationStrategyType = {
  kind: 'rotation',
  type: 'GenerateRandom',
  displayName: 'Generate random',
  description: 'Generates a new value in-process from the operating system CSPRNG (uuid, hex32, base64-32 or alphanumeric-32). No external call.',
  settingsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      randomFormat: { type: 'string', enum: [...RANDOM_FORMATS], default: DEFAULT_RANDOM_FORMAT },
    },
  },
  create: () => Promise.resolve(new GenerateRandomStrategy()),
};

export default definePlugin({
  name: '@keygate/rotation-generate-random',
  version: '0.1.0',
  description: 'Rotation strategy GenerateRandom: random values from the CSPRNG, no modulo bias.',
  provides: [generateRandomStrategyType],
});
