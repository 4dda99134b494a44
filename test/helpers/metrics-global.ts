import { ADMIN_KEY, METRICS_KEY, PROXIES_KEY, READ_KEY } from './supervisor-process.js';

export interface MetricsGlobalOptions {
  enabled?: boolean;
  sqlitePath?: string;
  flushSeconds?: number;
  retentionHours?: number;
  formats?: string[];
  timezone?: string;
}

/** A whole global.yaml (for `SupervisorProcess.start({ globalYaml })`) with the metrics block set. */
export function metricsGlobalYaml(o: MetricsGlobalOptions = {}): string {
  return `api:
  enabled: true
  bind: "127.0.0.1:{{API_PORT}}"
  api_keys:
    - { key: "${ADMIN_KEY}", label: "admin", permissions: ["*"] }
    - { key: "${READ_KEY}", label: "dashboard", permissions: ["proxies:read", "metrics:read"] }
    - { key: "${METRICS_KEY}", label: "prometheus", permissions: ["metrics:read"] }
    - { key: "${PROXIES_KEY}", label: "inventory", permissions: ["proxies:read"] }
timezone: "${o.timezone ?? 'UTC'}"
metrics:
  enabled: ${o.enabled ?? true}
  retention_hours: ${o.retentionHours ?? 168}
  flush_interval_seconds: ${o.flushSeconds ?? 1}
  sqlite_path: "${o.sqlitePath ?? './routex_metrics.db'}"
  formats: [${(o.formats ?? ['json', 'prometheus', 'influx', 'csv']).map((f) => `"${f}"`).join(', ')}]
iptables:
  enabled: false
logging:
  level: "debug"
  format: "json"
  output: "stdout"
`;
}
