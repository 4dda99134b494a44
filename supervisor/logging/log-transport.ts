import winston from 'winston';
import type { GlobalLoggingConfig, LogLevel } from '../../shared/config/resolved-types.js';
import { journalStreams, withPriority } from './journal-stream.js';

const MIB = 1024 * 1024;
const RESERVED = new Set(['level', 'message', 'timestamp']);
const MESSAGE = Symbol.for('message');

function textLine(info: winston.Logform.TransformableInfo): string {
  const proxy = typeof info.proxy === 'string' ? ` [${info.proxy}]` : '';
  const extras = Object.entries(info)
    .filter(([key]) => !RESERVED.has(key) && key !== 'proxy' && typeof key === 'string')
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  return `${String(info.timestamp)} ${info.level.toUpperCase().padEnd(5)}${proxy} ${String(info.message)}${extras ? ' ' + extras : ''}`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /\s|"/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Error) return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
}

/** The finished line gets its syslog priority in front ("<3>{...}"), outside the JSON object. */
const syslogPriority = winston.format((info) => {
  const line = (info as unknown as Record<symbol, unknown>)[MESSAGE];
  (info as unknown as Record<symbol, unknown>)[MESSAGE] = withPriority(info.level as LogLevel, String(line));
  return info;
});

/**
 * `json`: one JSON object per line (journald and log shippers); `text`: one human line. With
 * `journal`, each line starts with its syslog priority, which journald strips and stores.
 */
export function createLogFormat(format: GlobalLoggingConfig['format'], journal = false): winston.Logform.Format {
  const line = format === 'json' ? winston.format.json() : winston.format.printf(textLine);
  return journal
    ? winston.format.combine(winston.format.timestamp(), line, syslogPriority())
    : winston.format.combine(winston.format.timestamp(), line);
}

/** Lines carry a priority prefix only where journald reads it: stdout output that is the journal. */
export function writesToJournal(config: GlobalLoggingConfig): boolean {
  return config.output === 'stdout' && journalStreams().stdout;
}

/** stdout, or a file rotated at `max_size_mb` keeping `max_backups` old files. */
export function createLogTransport(config: GlobalLoggingConfig): winston.transport {
  if (config.output === 'file') {
    return new winston.transports.File({
      filename: config.filePath,
      maxsize: config.maxSizeMb > 0 ? config.maxSizeMb * MIB : undefined,
      maxFiles: config.maxBackups + 1,
      tailable: true,
    });
  }
  return new winston.transports.Stream({ stream: process.stdout });
}
