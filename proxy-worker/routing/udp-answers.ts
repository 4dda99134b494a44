import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import { BedrockPingAnswerer } from '../bedrock/ping-answerer.js';
import { fetchBedrockPong } from '../bedrock/pong-fetcher.js';
import { isUnconnectedPing } from '../bedrock/raknet-ping.js';
import type { FirstBytesContext, FirstBytesStep, StepDecision } from '../first-bytes/first-bytes-step.js';
import { A2sAnswerer } from '../source-query/a2s-answerer.js';
import { fetchA2sReply } from '../source-query/a2s-fetcher.js';
import { parseA2sRequest } from '../source-query/a2s-packets.js';
import { udpFetchHeader } from '../proxy-protocol/send-headers.js';
import type { Route } from './route-set.js';

function datagramOf(ctx: FirstBytesContext): Buffer {
  const bytes = ctx.bytes;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The UDP answers: Bedrock server-list pings (status_cache) and Source A2S queries (a2s_cache),
 * taken out of the first datagram of what would be a new session, so no session is opened and
 * the backend is not asked more than once per ttl. One answerer per listener group (one-to-one
 * maps each origin port to its own backends), on the default route's pool.
 */
export class UdpAnswers {
  private readonly bedrock = new Map<number, BedrockPingAnswerer>();
  private readonly a2s = new Map<number, A2sAnswerer>();
  /** In front of each fetch's datagrams, when the backends expect PROXY headers over UDP. */
  private readonly header: Buffer | null;

  constructor(
    private readonly config: ProxyConfig,
    private readonly route: () => Route,
  ) {
    this.header = udpFetchHeader(config.proxyProtocol.send);
  }

  steps(): FirstBytesStep[] {
    const steps: FirstBytesStep[] = [];
    if (this.config.statusCache.enabled) steps.push({ name: 'bedrock ping cache', maxBytes: 0, decide: (ctx) => this.bedrockDecision(ctx) });
    if (this.config.a2sCache.enabled) steps.push({ name: 'a2s cache', maxBytes: 0, decide: (ctx) => this.a2sDecision(ctx) });
    return steps;
  }

  /** Forgets cached pongs and replies (a backend changed health). */
  clear(): void {
    for (const answerer of this.bedrock.values()) answerer.clear();
    for (const answerer of this.a2s.values()) answerer.clear();
  }

  private bedrockDecision(ctx: FirstBytesContext): StepDecision {
    const datagram = datagramOf(ctx);
    if (!isUnconnectedPing(datagram)) return 'pass';
    const group = ctx.listener.group;
    const answerer = this.bedrockFor(group, ctx.listener.port);
    return { kind: 'answer', udp: (reply) => answerer.handle(datagram, reply, !this.route().pool.hasHealthy(group)) };
  }

  private a2sDecision(ctx: FirstBytesContext): StepDecision {
    const datagram = datagramOf(ctx);
    const request = parseA2sRequest(datagram);
    if (request === undefined) return 'pass';
    if ((request.kind === 'players' && !this.config.a2sCache.players) || (request.kind === 'rules' && !this.config.a2sCache.rules)) return 'pass';
    const answerer = this.a2sFor(ctx.listener.group);
    const client = ctx.client;
    return { kind: 'answer', udp: (reply) => answerer.handle(datagram, client.ip, client.port, reply) };
  }

  private bedrockFor(group: number, listenerPort: number): BedrockPingAnswerer {
    let answerer = this.bedrock.get(group);
    if (answerer === undefined) {
      const fetch = () => {
        const upstream = this.pickFor(group);
        return upstream === null ? Promise.resolve(null) : fetchBedrockPong(upstream.ip, upstream.port, this.config.timeouts.upstreamConnectMs, this.header);
      };
      answerer = new BedrockPingAnswerer(this.config.statusCache.ttlMs, this.config.offlineStatus, listenerPort, fetch, Date.now, this.answered);
      this.bedrock.set(group, answerer);
    }
    return answerer;
  }

  private a2sFor(group: number): A2sAnswerer {
    let answerer = this.a2s.get(group);
    if (answerer === undefined) {
      const fetch = (query: Parameters<typeof fetchA2sReply>[2]) => {
        const upstream = this.pickFor(group);
        return upstream === null ? Promise.resolve(null) : fetchA2sReply(upstream.ip, upstream.port, query, this.config.timeouts.upstreamConnectMs, this.header);
      };
      answerer = new A2sAnswerer(this.config.a2sCache, fetch, Date.now, this.answered);
      this.a2s.set(group, answerer);
    }
    return answerer;
  }

  /** A healthy upstream to fetch from, counted as a fetch of the route; null when none is healthy. */
  private pickFor(group: number): { ip: string; port: number } | null {
    const route = this.route();
    const upstream = route.pool.pick(group, '');
    if (upstream === undefined) return null;
    route.statusFetches++;
    return upstream;
  }

  private readonly answered = (): void => {
    this.route().answered++;
  };
}
