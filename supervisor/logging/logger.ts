import winston from 'winston';
import type { GlobalLoggingConfig, LogLevel } from '../../shared/config/resolved-types.js';
import { levelEnabled } from '../../shared/log-levels.js';
import { createLogTransport, createLogFormat, writesToJournal } from './log-transport.js';

export type LogFields = Record<string, unknown>;

/**
 * The supervisor's logger: short constant messages, variable data in fields. Each child carries
 * its own fields (e.g. `proxy`) and its own threshold (a proxy's `logging.level` overrides the
 * global one), so filtering happens here and winston only formats and writes.
 */
export class Logger {
  private ownLevel: LogLevel | undefined;

  private constructor(
    private readonly sink: winston.Logger,
    level: LogLevel | undefined,
    private readonly fields: LogFields,
    private readonly parent?: Logger,
  ) {
    this.ownLevel = level;
  }

  /** A child without its own level follows its parent's, also after a reload changes it. */
  get level(): LogLevel {
    return this.ownLevel ?? this.parent?.level ?? 'info';
  }

  set level(level: LogLevel) {
    this.ownLevel = level;
  }

  static create(config: GlobalLoggingConfig): Logger {
    const sink = winston.createLogger({
      level: 'debug',
      format: createLogFormat(config.format, writesToJournal(config)),
      transports: [createLogTransport(config)],
      exitOnError: false,
    });
    return new Logger(sink, config.level, {});
  }

  child(fields: LogFields, level?: LogLevel): Logger {
    return new Logger(this.sink, level, { ...this.fields, ...fields }, this);
  }

  enabled(level: LogLevel): boolean {
    return levelEnabled(this.level, level);
  }

  log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (levelEnabled(this.level, level)) this.sink.log({ level, message, ...this.fields, ...fields });
  }

  /** Writes without the level check: for records a worker has already filtered by its own level. */
  write(level: LogLevel, message: string, fields: LogFields = {}): void {
    this.sink.log({ level, message, ...this.fields, ...fields });
  }

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }

  /**
   * Flushes and closes the sink; call once, at exit. Ending winston while records are still
   * queued between the logger and a file transport loses them ("write after end"), so wait for
   * both queues to empty first.
   */
  async close(): Promise<void> {
    const deadline = Date.now() + 2000;
    const pending = (): number =>
      this.sink.readableLength + this.sink.transports.reduce((sum, t) => sum + ((t as unknown as { writableLength?: number }).writableLength ?? 0), 0);
    while (pending() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise<void>((resolve) => {
      this.sink.once('finish', () => resolve());
      this.sink.end();
      setTimeout(resolve, 500).unref();
    });
  }
}
