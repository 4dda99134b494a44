import type { HandedOverSession } from '../../shared/ipc/protocol.js';

function keyOf(listener: string, clientAddress: string, clientPort: number): string {
  return `${listener}|${clientAddress}|${clientPort}`;
}

/**
 * UDP sessions a predecessor handed over, waiting for their client's next datagram here. The
 * client is then kept on the same upstream (a new upstream socket, but no new player counted).
 * Entries not taken within the session timeout are dropped: those clients have gone.
 */
export class HandedOverSessions {
  private readonly waiting = new Map<string, HandedOverSession>();
  private timer: NodeJS.Timeout | null = null;

  get size(): number {
    return this.waiting.size;
  }

  add(sessions: readonly HandedOverSession[], ttlMs: number): void {
    for (const session of sessions) this.waiting.set(keyOf(session.listener, session.clientAddress, session.clientPort), session);
    if (this.waiting.size === 0) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(this.expire, ttlMs);
    this.timer.unref();
  }

  /** The handed-over session of this client, once; undefined for a client that is new. */
  take(listener: string, clientAddress: string, clientPort: number): HandedOverSession | undefined {
    if (this.waiting.size === 0) return undefined;
    const key = keyOf(listener, clientAddress, clientPort);
    const session = this.waiting.get(key);
    if (session !== undefined) this.waiting.delete(key);
    return session;
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private readonly expire = (): void => this.clear();
}
