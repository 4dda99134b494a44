import net from 'node:net';

/** What a connect loop saw: every connection ends as exactly one of served, refused or failed. */
export interface ConnectLoopResult {
  opened: number;
  served: number;
  refused: number;
  failed: number;
  /** Longest time from connect() to the echo's last byte, in ms. */
  longestMs: number;
  /** The first few failures, for the assertion message. */
  errors: string[];
}

const PER_CONNECTION_TIMEOUT_MS = 10_000;

/**
 * Opens `perSecond` TCP connections a second to 127.0.0.1:`port`, each writing a few bytes and
 * waiting for their echo before it closes. Bounded: it stops at `stop()` or after `maxMs`.
 */
export class ConnectLoop {
  readonly result: ConnectLoopResult = { opened: 0, served: 0, refused: 0, failed: 0, longestMs: 0, errors: [] };
  private inFlight = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly deadline: NodeJS.Timeout;
  private idleWaiters: (() => void)[] = [];
  private settledWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly port: number,
    perSecond: number,
    maxMs: number,
  ) {
    this.timer = setInterval(() => this.open(), 1000 / perSecond);
    this.deadline = setTimeout(() => this.stopOpening(), maxMs);
  }

  /**
   * Resolves right after a connection finished while no other is open, so a test can kill a
   * worker at a moment when none of this loop's connections lives in it.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops opening connections and resolves when every open one has ended. */
  async stop(): Promise<ConnectLoopResult> {
    this.stopOpening();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    return this.result;
  }

  private stopOpening(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.deadline);
  }

  private open(): void {
    if (this.stopped) return;
    const id = this.result.opened++;
    const payload = `conn-${id};`;
    const startedAt = Date.now();
    this.inFlight++;
    let received = '';
    let done = false;
    const socket = net.connect({ port: this.port, host: '127.0.0.1' });
    const finish = (outcome: 'served' | 'refused' | 'failed', why?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timeout);
      socket.destroy();
      this.result[outcome]++;
      if (why !== undefined && this.result.errors.length < 5) this.result.errors.push(`${payload} ${why}`);
      if (outcome === 'served') this.result.longestMs = Math.max(this.result.longestMs, Date.now() - startedAt);
      this.inFlight--;
      if (this.inFlight === 0) this.wake();
    };
    const timeout = setTimeout(() => finish('failed', `no echo within ${PER_CONNECTION_TIMEOUT_MS} ms`), PER_CONNECTION_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received === payload) finish('served');
      else if (!payload.startsWith(received)) finish('failed', `echo was "${received}"`);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : 'failed', err.code ?? err.message));
    socket.on('close', () => finish('failed', `closed after "${received}"`));
  }

  private wake(): void {
    const idle = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of idle) resolve();
    if (this.stopped) {
      const settled = this.settledWaiters;
      this.settledWaiters = [];
      for (const resolve of settled) resolve();
    }
  }
}
