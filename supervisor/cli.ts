#!/usr/bin/env node
// The `routex` command: run the supervisor, or check the configuration.
import { parseCliArgs, USAGE, UsageError } from './cli-args.js';
import { checkConfiguration, printCheckResult } from './check-command.js';
import { runSupervisor } from './main.js';
import { writeStderrError } from './logging/journal-stream.js';
import { VERSION } from './version.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`routex: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`routex ${VERSION}\n`);
      return 0;
    case 'check':
      return printCheckResult(await checkConfiguration(args.globalFile, args.proxiesDir), process.stdout, process.stderr);
    case 'run':
      // Timers, watchers and sockets may still be referenced: exit explicitly once drained.
      process.exit(await runSupervisor(args.globalFile, args.proxiesDir));
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    writeStderrError(`routex: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
