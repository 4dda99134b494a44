import { randomBytes } from 'node:crypto';
import type { OfflineStatusConfig } from '../../shared/config/resolved-routing-types.js';
import { SingleFlightCache, type Now } from '../cache/single-flight-cache.js';
import { encodeAdvertisement, encodeUnconnectedPong, isUnconnectedPing, MAX_ADVERTISEMENT_BYTES, type Pong } from './raknet-ping.js';

export type PongFetch = () => Promise<Pong | null>;
export type DatagramSender = (datagram: Buffer) => void;

interface CachedPong {
  serverGuid: Buffer;
  advertisement: Buffer;
}

const ONE_KEY = 0;

/**
 * Answers Bedrock server-list pings (RakNet unconnected pings) in the proxy's name: with the
 * backend's pong fetched at most once per ttl (its GUID and advertisement, the client's time
 * echoed), or with the configured offline pong when the backend did not answer. A pong is the
 * game's own answer to a ping, so this sends nothing a backend would not have sent.
 */
export class BedrockPingAnswerer {
  private readonly cache: SingleFlightCache<number, CachedPong>;
  private readonly offlinePong: CachedPong | null;

  constructor(
    ttlMs: number,
    offline: OfflineStatusConfig,
    listenerPort: number,
    private readonly fetch: PongFetch,
    now: Now = Date.now,
    /** Called for each ping answered (cached or offline pong). */
    private readonly onAnswered: () => void = () => undefined,
  ) {
    this.cache = new SingleFlightCache(ttlMs, 1, now);
    this.offlinePong = offline.enabled ? offlineAdvertisement(offline, listenerPort) : null;
  }

  /** True when `datagram` was a ping this answerer owns; anything else goes the usual way. */
  handle(datagram: Buffer, send: DatagramSender, backendDown: boolean): boolean {
    if (!isUnconnectedPing(datagram)) return false;
    const cached = backendDown ? null : this.cache.get(ONE_KEY, () => this.fetchOne());
    if (cached instanceof Promise) void cached.then((pong) => this.reply(datagram, pong, send));
    else this.reply(datagram, cached, send);
    return true;
  }

  clear(): void {
    this.cache.clear();
  }

  private async fetchOne(): Promise<CachedPong | null> {
    const pong = await this.fetch();
    if (pong === null) return null;
    const advertisement = Buffer.from(pong.advertisement, 'utf8');
    return advertisement.length <= MAX_ADVERTISEMENT_BYTES ? { serverGuid: pong.serverGuid, advertisement } : null;
  }

  private reply(ping: Buffer, pong: CachedPong | null, send: DatagramSender): void {
    const answer = pong ?? this.offlinePong;
    if (answer === null) return;
    this.onAnswered();
    send(encodeUnconnectedPong(ping, answer.serverGuid, answer.advertisement));
  }
}

function offlineAdvertisement(offline: OfflineStatusConfig, port: number): CachedPong {
  const guidBytes = randomBytes(8);
  const text = encodeAdvertisement({
    motd: offline.motd,
    protocol: offline.versionProtocol ?? 0,
    versionName: offline.versionName,
    onlinePlayers: 0,
    maxPlayers: offline.maxPlayers,
    serverGuid: guidBytes.readBigUInt64BE(0),
    subMotd: 'RouteX',
    port,
  });
  const advertisement = Buffer.from(text, 'utf8').subarray(0, MAX_ADVERTISEMENT_BYTES);
  return { serverGuid: guidBytes, advertisement };
}
