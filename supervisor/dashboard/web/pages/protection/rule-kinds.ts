// Kernel rule kinds as an operator knows them: the metric label and the YAML field behind each.

/** `SynRate` (a rule's kind in `GET /api/iptables/rules`) → `syn_rate` (the metric label, the stream's `kind`). */
export function kindLabel(kind: string): string {
  return kind.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The `rate_limits` field (or list) that makes rules of each kind. */
const FIELDS: Record<string, string> = {
  ban: 'the ban list',
  invalid: 'tcp_invalid_state_drop',
  ttl_min: 'min_ttl',
  ttl_max: 'max_ttl',
  size_min: 'min_packet_size',
  size_max: 'max_packet_size',
  udp_payload_min: 'udp_min_payload',
  udp_payload_max: 'udp_max_payload',
  syn_rate: 'tcp_syn_rate_per_ip',
  new_conn_per_ip: 'new_conns_per_sec_per_ip',
  rst_rate: 'tcp_rst_rate_per_ip',
  tcp_pps: 'tcp_pps_per_ip',
  udp_pps: 'udp_pps_per_ip',
  new_conn_global: 'new_conns_per_sec_global',
  conn_per_ip: 'max_simultaneous_conns_per_ip',
  conn_total: 'max_total_conns',
  fragment: 'drop_fragmented_packets',
  jump: 'the proxy’s ports',
};

export function kindSource(label: string): string {
  return FIELDS[label] ?? '';
}
