import { KeygateError } from '@keygate/core';

/**
 * One or more configured plugins cannot be used; the host refuses to start. Every problem across
 * all plugins is listed, one per line, so they can be fixed in one go.
 */
export class PluginLoadError extends KeygateError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('INVALID_CONFIGURATION', problems.join('\n'));
    this.name = 'PluginLoadError';
    this.problems = problems;
  }
}
