// rate_limits: kernel rules built per proxy by iptables. Every field is off at 0 / false.
import { Block, Flag, Whole } from './schema-common.js';

/** The kernel's hashlimit match takes at most 1,000,000 per second. */
const MAX_RATE = 1_000_000;
const rate = (what: string): ReturnType<typeof Whole> => Whole(`${what}; 0 = off (at most ${MAX_RATE.toLocaleString('en-US')}).`, 0, { maximum: MAX_RATE });
const count = (what: string): ReturnType<typeof Whole> => Whole(`${what}; 0 = off.`, 0);

export const RateLimitsSchema = Block(
  {
    tcp_pps_per_ip: rate('Most TCP packets per second from one source IP, after a burst of one second\'s worth'),
    udp_pps_per_ip: rate('Most UDP packets per second from one source IP, after a burst of one second\'s worth'),
    new_conns_per_sec_per_ip: rate('Most new TCP connections per second from one source IP'),
    new_conns_per_sec_global: rate('Most new TCP connections per second from all source IPs together'),
    tcp_syn_rate_per_ip: rate('Most SYN packets per second from one source IP'),
    max_simultaneous_conns_per_ip: count('Most concurrent TCP connections from one source IP (new connections over it are dropped; open ones are never cut)'),
    max_total_conns: count('Most concurrent TCP connections from all source IPs together (new connections over it are dropped; open ones are never cut)'),
    drop_fragmented_packets: Flag('Drops fragmented datagrams sent to this proxy\'s ports, IPv4 and IPv6, before the kernel reassembles them (needs nft; see Kernel rate limits).', false),
    tcp_invalid_state_drop: Flag('Drops TCP packets conntrack marks INVALID (spoofed or out-of-state).', false),
    min_ttl: Whole('Drops packets whose TTL (IPv6: hop limit) is below this; 0 = off.', 0, { maximum: 255 }),
    max_ttl: Whole('Drops packets whose TTL (IPv6: hop limit) is above this; 0 = off.', 0, { maximum: 255 }),
    min_packet_size: Whole('Drops packets smaller than this many bytes (whole IP packet); 0 = off.', 0, { maximum: 65_535 }),
    max_packet_size: Whole('Drops packets larger than this many bytes (whole IP packet); 0 = off.', 0, { maximum: 65_535 }),
    tcp_rst_rate_per_ip: rate('Most RST packets per second from one source IP'),
    udp_max_payload: Whole('Drops UDP datagrams whose payload is larger than this many bytes; 0 = off.', 0, { maximum: 65_535 }),
    udp_min_payload: Whole('Drops UDP datagrams whose payload is smaller than this many bytes; 0 = off.', 0, { maximum: 65_535 }),
  },
  'Kernel rate limits and packet filters for this proxy\'s ports (needs iptables.enabled in global.yaml; see Kernel rate limits).',
);
