import winston from 'winston';
import type { GlobalLoggingConfig } from '../../shared/config/resolved-types.js';

const MIB = 1024 * 1024;
const RESERVED = new Set(['level', 'message', 'timestamp']);

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

/** `json`: one JSON object per line (journald and log shippers); `text`: one human line. */
export function createLogFormat(format: GlobalLoggingConfig['format']): winston.Logform.Format {
  return format === 'json'
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(winston.format.timestamp(), winston.format.printf(textLine));
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
