// Listeners and upstreams of a proxy, and which upstreams each listener may reach.
// Fan-out: every listener reaches every upstream (one group). One-to-one: the listeners of origin
// port k (group k) reach the upstreams on dest port k, on any dest IP.
import type { ListenerSpec, Protocol, TransportProtocol, UpstreamSpec } from './resolved-types.js';
import { weightKeyText } from './upstream-weights.js';

const TRANSPORTS: Readonly<Record<Protocol, TransportProtocol[]>> = {
  tcp: ['tcp'],
  udp: ['udp'],
  'tcp-udp': ['tcp', 'udp'],
};

/** Every origin IP × origin port × transport, in that order. */
export function buildListeners(originIps: string[], originPorts: number[], protocol: Protocol, oneToOne: boolean): ListenerSpec[] {
  return originIps.flatMap((ip) =>
    originPorts.flatMap((port, index) =>
      TRANSPORTS[protocol].map((transport) => ({ ip, port, protocol: transport, group: oneToOne ? index : 0 })),
    ),
  );
}

/** Every dest IP × dest port, IP-major. A weight keyed `ip:port` wins over one keyed by the IP; default 1. */
export function buildUpstreams(destIps: string[], destPorts: number[], weights: ReadonlyMap<string, number>): UpstreamSpec[] {
  return destIps.flatMap((ip) =>
    destPorts.map((port) => ({
      ip,
      port,
      weight: weights.get(weightKeyText({ ip, port })) ?? weights.get(ip) ?? 1,
    })),
  );
}

export function buildUpstreamGroups(upstreams: UpstreamSpec[], destPorts: number[], oneToOne: boolean): number[][] {
  const indexes = upstreams.map((_, index) => index);
  if (!oneToOne) return [indexes];
  return destPorts.map((port) => indexes.filter((index) => upstreams[index]?.port === port));
}
