#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './io.js';

// A reader that stops early (`keygate pull -o - | head -1`) is not a failure worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), processIo());
