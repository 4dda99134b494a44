import type { LogLevel } from '../../shared/config/resolved-types.js';
import { levelEnabled } from '../../shared/log-levels.js';
import type { WorkerMessage } from '../../shared/ipc/protocol.js';

type Send = (message: WorkerMessage) => void;

/**
 * Workers do not write logs themselves: records go to the supervisor, which owns the log sink
 * (stdout or a rotated file) and adds the proxy name. Filtering happens here so that a debug
 * line never crosses the IPC channel unless the proxy's level asks for it.
 */
export class WorkerLogger {
  constructor(
    private readonly send: Send,
    public level: LogLevel,
  ) {}

  enabled(level: LogLevel): boolean {
    return levelEnabled(this.level, level);
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (levelEnabled(this.level, level)) this.send({ type: 'log.recorded', level, message, fields });
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }
}
