import { KeygateError } from '@keygate/core';

/** One problem in the configuration. `path` is dotted (`server.port`); `''` means the file as a whole. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/**
 * The configuration cannot be used; the host refuses to start. The message lists every problem on
 * its own line as `<file>: <path>: <message>`, so an operator fixes them all in one go.
 * Messages never contain configured values: they may be credentials.
 */
export class ConfigError extends KeygateError {
  readonly problems: readonly ConfigProblem[];
  /** Name of the file the problems are in, e.g. `keygate.yaml` or `master-key.json`. */
  readonly source: string;

  constructor(problems: readonly ConfigProblem[], source = 'keygate.yaml') {
    super('INVALID_CONFIGURATION', problems.map((problem) => formatProblem(source, problem)).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
    this.source = source;
  }
}

function formatProblem(source: string, problem: ConfigProblem): string {
  return problem.path === '' ? `${source}: ${problem.message}` : `${source}: ${problem.path}: ${problem.message}`;
}
