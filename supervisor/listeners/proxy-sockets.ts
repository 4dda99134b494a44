import { listenerKey, type ListenerFailure, type ListenerStatus } from '../../shared/ipc/protocol.js';
import { BindError, HeldSocket } from './held-socket.js';

/**
 * The listening sockets the supervisor holds for one proxy, keyed by `listenerKey`. They outlive
 * the proxy's workers: a crash, a restart or a reload keeps every socket whose listener stays, so
 * the kernel queues new clients for the next worker instead of refusing them.
 */
export class ProxySockets {
  private readonly held = new Map<string, HeldSocket>();
  /** Listeners whose last bind attempt failed, with why. */
  private failures: ListenerFailure[] = [];

  /**
   * Binds every listener of `listeners` not held yet (a socket already held is kept as it is)
   * and returns the failures; the other listeners are unaffected by one that fails.
   */
  bind(listeners: readonly ListenerStatus[]): ListenerFailure[] {
    this.failures = [];
    for (const listener of listeners) {
      const key = listenerKey(listener);
      if (this.held.has(key)) continue;
      try {
        this.held.set(key, HeldSocket.bind(listener.protocol, listener.ip, listener.port));
      } catch (error) {
        if (!(error instanceof BindError)) throw error;
        this.failures.push({ listener: { ip: listener.ip, port: listener.port, protocol: listener.protocol }, error: { code: error.code, message: error.message } });
      }
    }
    return this.failures;
  }

  /** The held sockets of `listeners`, in their order (listeners that failed to bind are absent). */
  socketsFor(listeners: readonly ListenerStatus[]): { listener: ListenerStatus; socket: HeldSocket }[] {
    const found: { listener: ListenerStatus; socket: HeldSocket }[] = [];
    for (const listener of listeners) {
      const socket = this.held.get(listenerKey(listener));
      if (socket !== undefined) found.push({ listener: { ip: listener.ip, port: listener.port, protocol: listener.protocol }, socket });
    }
    return found;
  }

  get bindFailures(): readonly ListenerFailure[] {
    return this.failures;
  }

  isHeld(listener: ListenerStatus): boolean {
    return this.held.has(listenerKey(listener));
  }

  get size(): number {
    return this.held.size;
  }

  /** Closes every socket whose listener is not in `keep` (a port the new config dropped). */
  release(keep: readonly ListenerStatus[]): void {
    const kept = new Set(keep.map(listenerKey));
    for (const [key, socket] of this.held) {
      if (kept.has(key)) continue;
      socket.close();
      this.held.delete(key);
    }
    this.failures = this.failures.filter((failure) => kept.has(listenerKey(failure.listener)));
  }

  closeAll(): void {
    this.release([]);
  }
}
