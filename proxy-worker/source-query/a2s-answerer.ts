import type { A2sCacheConfig } from '../../shared/config/resolved-routing-types.js';
import { SingleFlightCache, type Now } from '../cache/single-flight-cache.js';
import { encodeChallengeReply, parseA2sRequest, type A2sQuery } from './a2s-packets.js';
import { ChallengeIssuer } from './challenge-issuer.js';

export type A2sFetch = (query: A2sQuery) => Promise<Buffer[] | null>;
export type DatagramSender = (datagram: Buffer) => void;

/**
 * Answers A2S queries in the proxy's name. A query without a valid challenge gets a challenge
 * (9 bytes, never more than the request), so a spoofed source cannot be used as a reflector; a
 * query with one gets the backend's reply from a cache filled at most once per ttl per query.
 * Query floods thus never reach the game server.
 */
export class A2sAnswerer {
  private readonly cache: SingleFlightCache<A2sQuery, Buffer[]>;
  private readonly challenges: ChallengeIssuer;

  constructor(
    private readonly config: A2sCacheConfig,
    private readonly fetch: A2sFetch,
    now: Now = Date.now,
    /** Called for each query answered with the backend's reply (not for challenges). */
    private readonly onAnswered: () => void = () => undefined,
  ) {
    this.cache = new SingleFlightCache(config.ttlMs, 3, now);
    this.challenges = new ChallengeIssuer(now);
  }

  /**
   * True when `datagram` was a query this answerer owns (answered, challenged or dropped): the
   * caller must not forward it. False for anything else, which goes the usual way.
   */
  handle(datagram: Buffer, address: string, port: number, send: DatagramSender): boolean {
    const request = parseA2sRequest(datagram);
    if (request === undefined) return false;
    if ((request.kind === 'players' && !this.config.players) || (request.kind === 'rules' && !this.config.rules)) return false;
    if (request.kind === 'challenge' || request.challenge === null || !this.challenges.verify(address, port, request.challenge)) {
      send(encodeChallengeReply(this.challenges.issue(address, port)));
      return true;
    }
    const query = request.kind;
    const reply = this.cache.get(query, () => this.fetch(query));
    if (reply instanceof Promise) void reply.then((datagrams) => this.reply(datagrams, send));
    else this.reply(reply, send);
    return true;
  }

  /** Forgets cached replies (the backend's health changed). */
  clear(): void {
    this.cache.clear();
  }

  private reply(datagrams: Buffer[] | null, send: DatagramSender): void {
    if (datagrams === null) return;
    this.onAnswered();
    for (const datagram of datagrams) send(datagram);
  }
}
