import path from 'node:path';
import { parseArgs } from 'node:util';
import { RoutexError } from '../shared/errors/routex-error.js';

export interface CliArgs {
  command: 'run' | 'check' | 'version' | 'help';
  globalFile: string;
  proxiesDir: string;
}

export const USAGE = `Usage:
  routex [--config FILE] [--proxies DIR]         run the supervisor
  routex check [--config FILE] [--proxies DIR]   validate every config file and exit (0 = valid)
  routex --version                               print the version

Options:
  -c, --config FILE   global config (default: configs/global.yaml)
  -p, --proxies DIR   folder of proxy files (default: the "proxies" folder next to --config)
`;

export class UsageError extends RoutexError {
  constructor(message: string) {
    super('ERR_CLI_USAGE', message);
  }
}

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        proxies: { type: 'string', short: 'p' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'check')) {
    throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  }
  const globalFile = path.resolve(values.config ?? 'configs/global.yaml');
  const proxiesDir = path.resolve(values.proxies ?? path.join(path.dirname(globalFile), 'proxies'));
  const command = values.help ? 'help' : values.version ? 'version' : positionals[0] === 'check' ? 'check' : 'run';
  return { command, globalFile, proxiesDir };
}
