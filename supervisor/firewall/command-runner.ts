// How the firewall runs iptables, ip6tables, nft and ipset: an argument array (never a shell),
// input on stdin, a timeout, and a result instead of an exception.
import { execa } from 'execa';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The binary is not installed (ENOENT). */
  missing: boolean;
}

export type RunCommand = (file: string, args: string[], input?: string) => Promise<CommandResult>;

const TIMEOUT_MS = 20_000;

export const runCommand: RunCommand = async (file, args, input) => {
  const result = await execa(file, args, { input, reject: false, timeout: TIMEOUT_MS, env: { LC_ALL: 'C' } });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? result.message ?? ''),
    missing: result.code === 'ENOENT',
  };
};

/** A tool's complaint as one line, for logs and the API (usage hints left out). */
export function oneLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Try `'));
  const joined = lines.join(' ');
  return joined.length > 400 ? `${joined.slice(0, 397)}...` : joined;
}

/** "iptables-restore: line 3: ..." — a failed command as one line for logs and the API. */
export function describeFailure(file: string, result: CommandResult): string {
  if (result.missing) return `${file} is not installed`;
  const detail = [result.stderr, result.stdout].map(oneLine).filter((line) => line !== '').join(' ');
  return `${file} failed (exit ${result.exitCode})${detail === '' ? '' : `: ${detail}`}`;
}
