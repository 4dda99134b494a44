// Is stdout/stderr connected to the systemd journal? systemd sets JOURNAL_STREAM="<dev>:<ino>" for
// a service whose stdout or stderr goes to journald; the stream is ours only when fd 1 or fd 2 is
// that very file (a child started with `> file` inherits the variable but not the stream).
// See systemd.exec(5), "$JOURNAL_STREAM". On such a stream journald reads a leading "<N>" on each
// line as the line's syslog priority (SyslogLevelPrefix=, on by default).
import { fstatSync } from 'node:fs';
import type { LogLevel } from '../../shared/config/resolved-types.js';

/** Syslog priorities: what `journalctl -p` filters on. */
export const SYSLOG_PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export interface StreamId {
  dev: bigint;
  ino: bigint;
}

/** `"8:123456"` → its device and inode; anything else → undefined. */
export function parseJournalStream(value: string | undefined): StreamId | undefined {
  const match = /^(\d+):(\d+)$/.exec(value?.trim() ?? '');
  if (match === null) return undefined;
  return { dev: BigInt(match[1]!), ino: BigInt(match[2]!) };
}

/** True when `fd` is the stream JOURNAL_STREAM names. */
export function isJournalStream(fd: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const journal = parseJournalStream(env['JOURNAL_STREAM']);
  if (journal === undefined) return false;
  try {
    const stat = fstatSync(fd, { bigint: true });
    return stat.dev === journal.dev && stat.ino === journal.ino;
  } catch {
    return false;
  }
}

/** "<3>" on every line of `text` (a record may span lines: each journal entry needs its own). */
export function withPriority(level: LogLevel, text: string): string {
  const prefix = `<${SYSLOG_PRIORITY[level]}>`;
  return prefix + text.replace(/\n(?=.)/g, `\n${prefix}`);
}

let streams: { stdout: boolean; stderr: boolean } | undefined;

/** Whether this process's stdout and stderr are the journal, checked once. */
export function journalStreams(): { stdout: boolean; stderr: boolean } {
  streams ??= { stdout: isJournalStream(1), stderr: isJournalStream(2) };
  return streams;
}

/** Writes an error to stderr, with its priority when stderr is the journal: for lines before any logger exists. */
export function writeStderrError(text: string): void {
  process.stderr.write(journalStreams().stderr ? withPriority('error', text) : text);
}
