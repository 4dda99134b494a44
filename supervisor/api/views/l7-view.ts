import { banDisplayTarget, type Ban } from '../../../shared/bans/ban.js';
import { formatDuration } from '../../../shared/config/duration.js';
import type { L7Config } from '../../../shared/config/resolved-types.js';
import type { StoredL7Event } from '../../store/l7-event-store.js';

export function banView(ban: Ban, nowMs = Date.now()) {
  return {
    ip: banDisplayTarget(ban.target),
    reason: ban.reason,
    source: ban.source,
    node: ban.node,
    created_at: new Date(ban.createdAtMs).toISOString(),
    expires_at: ban.expiresAtMs === null ? null : new Date(ban.expiresAtMs).toISOString(),
    expires_in_seconds: ban.expiresAtMs === null ? null : Math.max(0, Math.ceil((ban.expiresAtMs - nowMs) / 1000)),
  };
}

export function l7EventView(event: StoredL7Event) {
  return {
    id: event.id,
    time: new Date(event.atMs).toISOString(),
    proxy: event.proxy,
    ip: event.ip,
    event_type: event.type,
    score: event.points,
    action: event.action,
    reason: event.detail,
    protocol: event.protocol,
  };
}

/** The resolved `l7_protection` block with its YAML keys, durations as text. */
export function l7ConfigView(l7: L7Config) {
  const { slowConnection: slow, payloadRateLimit: rate, connectionCycling: cycling, payloadInspection: inspection, amplification, behavioralScoring: scoring } = l7;
  return {
    enabled: l7.enabled,
    slow_connection: { enabled: slow.enabled, min_bytes_in_first: slow.minBytesInFirst, handshake_timeout: formatDuration(slow.handshakeTimeoutMs), min_recv_rate_bps: slow.minRecvRateBps },
    payload_rate_limit: { enabled: rate.enabled, max_bytes_per_sec_per_ip: rate.maxBytesPerSecPerIp, max_bytes_per_sec_per_conn: rate.maxBytesPerSecPerConn, burst_multiplier: rate.burstMultiplier },
    connection_cycling: { enabled: cycling.enabled, window: formatDuration(cycling.windowMs), max_conns_in_window: cycling.maxConnsInWindow, ban_duration: formatDuration(cycling.banDurationMs) },
    payload_inspection: {
      enabled: inspection.enabled,
      mode: inspection.mode,
      custom_rules: inspection.customRules.map((r) => ({ name: r.name, match_offset: r.matchOffset, match_bytes: r.matchBytes.map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(','), action: r.action })),
    },
    amplification: { enabled: amplification.enabled, max_response_to_request_ratio: amplification.maxResponseToRequestRatio, window: formatDuration(amplification.windowMs) },
    behavioral_scoring: {
      enabled: scoring.enabled,
      score_window: formatDuration(scoring.scoreWindowMs),
      ban_threshold: scoring.banThreshold,
      ban_duration: formatDuration(scoring.banDurationMs),
      score_rules: scoring.scoreRules,
    },
  };
}
