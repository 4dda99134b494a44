// The node's two connections to the cluster's Redis (commands, and a subscriber for the ban
// channel), and whether the cluster is reachable. ioredis reconnects by itself; this class turns
// its events into one state: up when both connections are ready, down otherwise. Each outage is
// logged once (warn) and its end once (info); handlers registered with `onUp` run after every
// (re)connect, so the node can push what it kept while Redis was away.
import { Redis, type RedisOptions } from 'ioredis';

export interface LinkLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** How often an idle link pings Redis, so a silent network failure is noticed without traffic. */
const HEARTBEAT_MS = 1000;

export interface LinkStatus {
  connected: boolean;
  /** When the link last came up or went down (Unix ms). */
  sinceMs: number;
  lastError: string | null;
  /** Outages since start (the first failed connect included). */
  outages: number;
}

export class RedisLink {
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private up = false;
  private sinceMs: number;
  private lastError: string | null = null;
  private outages = 0;
  private warned = false;
  private closing = false;
  private readonly upHandlers: (() => Promise<void>)[] = [];
  private readonly downHandlers: (() => void)[] = [];
  private readonly channelHandlers = new Map<string, (message: string) => void>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    options: RedisOptions,
    /** The url without its password, for logs. */
    private readonly redisName: string,
    private readonly logger: LinkLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.sinceMs = now();
    this.commands = new Redis({ ...options, enableOfflineQueue: false, connectionName: `${options.connectionName}:commands` });
    // The subscriber queues its SUBSCRIBE until it is connected, and ioredis subscribes it again after each reconnect.
    this.subscriber = new Redis({ ...options, connectionName: `${options.connectionName}:bans` });
    for (const client of [this.commands, this.subscriber]) {
      client.on('ready', () => this.changed());
      client.on('close', () => this.changed());
      client.on('error', (error: Error) => this.failed(error));
    }
    this.subscriber.on('message', (channel: string, message: string) => this.channelHandlers.get(channel)?.(message));
    this.heartbeat = setInterval(() => void this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get connected(): boolean {
    return this.up;
  }

  status(): LinkStatus {
    return { connected: this.up, sinceMs: this.sinceMs, lastError: this.lastError, outages: this.outages };
  }

  /** Resolves true once connected, or false after `timeoutMs` (the link keeps trying either way). */
  waitUntilUp(timeoutMs: number): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.upHandlers.splice(this.upHandlers.indexOf(handler), 1);
        if (!this.up) this.warnOnce();
        resolve(this.up);
      }, timeoutMs);
      const handler = async (): Promise<void> => {
        clearTimeout(timer);
        this.upHandlers.splice(this.upHandlers.indexOf(handler), 1);
        resolve(true);
      };
      this.upHandlers.push(handler);
    });
  }

  /** `handler` runs after each (re)connect, in the order registered. */
  onUp(handler: () => Promise<void>): void {
    this.upHandlers.push(handler);
  }

  onDown(handler: () => void): void {
    this.downHandlers.push(handler);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    this.channelHandlers.set(channel, handler);
    await this.subscriber.subscribe(channel);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    await Promise.all([this.commands, this.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  private changed(): void {
    const ready = this.commands.status === 'ready' && this.subscriber.status === 'ready';
    if (ready && !this.up) void this.cameUp();
    else if (!ready && this.up) this.wentDown();
  }

  private async cameUp(): Promise<void> {
    const outageMs = this.now() - this.sinceMs;
    this.up = true;
    this.sinceMs = this.now();
    // Replies come in order: once this PING is answered, the resubscription sent before it holds.
    await this.subscriber.ping().catch(() => undefined);
    for (const handler of [...this.upHandlers]) {
      try {
        await handler();
      } catch (error) {
        this.logger.error('cluster sync after connecting failed', { error: (error as Error).message });
      }
    }
    if (this.warned) this.logger.info('cluster redis reachable again', { redis: this.redisName, outageMs });
    else this.logger.info('cluster redis connected', { redis: this.redisName });
    this.warned = false;
  }

  private wentDown(): void {
    this.up = false;
    this.sinceMs = this.now();
    for (const handler of this.downHandlers) handler();
    if (!this.closing) this.warnOnce();
  }

  private failed(error: Error): void {
    this.lastError = error.message;
  }

  /** One warning per outage, however many reconnect attempts fail during it. */
  private warnOnce(): void {
    if (this.warned || this.closing) return;
    this.warned = true;
    this.outages++;
    this.logger.warn('cluster redis unreachable: this node keeps forwarding and enforcing what it knows, and catches up when it is back', {
      redis: this.redisName,
      error: this.lastError,
    });
  }

  /** A Redis that stops answering (a network failure without a reset) drops the connection, which then reconnects. */
  private async ping(): Promise<void> {
    if (!this.up) return;
    try {
      await this.commands.ping();
    } catch (error) {
      this.lastError = (error as Error).message;
      if (this.up && !this.closing) this.commands.disconnect(true);
    }
  }
}
