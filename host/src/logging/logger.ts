import type { Logger } from '@keygate/core';
import type { LogFormat, LogLevel } from '../config/types.js';
import { redactFields } from './redact.js';

export interface LogStream {
  write(chunk: string): unknown;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; standard output by default. */
  stream?: LogStream;
  /** Time source, for tests. */
  now?: () => Date;
}

type EmittingLevel = Exclude<LogLevel, 'silent'>;

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: Number.POSITIVE_INFINITY };
// Fields with these names would overwrite the line's own members; they are kept under a prefix.
const RESERVED = new Set(['time', 'level', 'msg']);

/**
 * The host's logger (core's `Logger`): one JSON object per line — `{"time","level","msg",...fields}` —
 * or a human-readable line with `format: 'pretty'`. Every field goes through redaction, so a
 * credential passed by mistake prints as `[redacted]`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const sink: Sink = {
    threshold: SEVERITY[options.level],
    stacks: options.level === 'debug',
    format: options.format,
    stream: options.stream ?? process.stdout,
    now: options.now ?? (() => new Date()),
  };
  return new HostLogger(sink, {});
}

interface Sink {
  threshold: number;
  stacks: boolean;
  format: LogFormat;
  stream: LogStream;
  now: () => Date;
}

class HostLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    private readonly bindings: Record<string, unknown>,
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return new HostLogger(this.sink, { ...this.bindings, ...fields });
  }

  private write(level: EmittingLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (SEVERITY[level] < this.sink.threshold) return;
    const safe = redactFields({ ...this.bindings, ...fields }, { stacks: this.sink.stacks });
    const time = this.sink.now().toISOString();
    this.sink.stream.write(this.sink.format === 'json' ? jsonLine(time, level, message, safe) : prettyLine(time, level, message, safe));
  }
}

function jsonLine(time: string, level: EmittingLevel, message: string, fields: Record<string, unknown>): string {
  const record: Record<string, unknown> = { time, level, msg: message };
  for (const [key, value] of Object.entries(fields)) record[RESERVED.has(key) ? `field.${key}` : key] = value;
  return `${JSON.stringify(record)}\n`;
}

/** `2025-01-01T12:00:00.000Z INFO  plugin loaded plugin=@keygate/provider-local provides=["provider:Local"]` */
function prettyLine(time: string, level: EmittingLevel, message: string, fields: Record<string, unknown>): string {
  const parts = [time, level.toUpperCase().padEnd(5), message];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    // A stack is only readable on its own lines.
    const { stack, ...rest } = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { stack?: unknown }) : { stack: undefined };
    if (typeof stack === 'string') {
      stacks.push(stack.replace(/^/gm, '    '));
      parts.push(`${key}=${prettyValue(rest)}`);
    } else {
      parts.push(`${key}=${prettyValue(value)}`);
    }
  }
  return `${[parts.join(' '), ...stacks].join('\n')}\n`;
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:/@+,-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
