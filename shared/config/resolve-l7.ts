// l7_protection, checked, into the resolved `L7Config`.
import { parseDuration } from './duration.js';
import type { Filled } from './filled.js';
import { parseHexBytes } from './hex-bytes.js';
import { must } from './parsed.js';
import type { L7Config } from './resolved-types.js';
import { BUILTIN_SCORES, SCORE_EVENTS } from './schema-l7.js';
import type { ProxyFile } from './schema-proxy.js';

type L7 = Filled<ProxyFile>['l7_protection'];

const ms = (value: string | number): number => must(parseDuration(value));

export function resolveL7(l7: L7): L7Config {
  const { slow_connection: slow, payload_rate_limit: rate, connection_cycling: cycling, payload_inspection: inspection } = l7;
  const { amplification, behavioral_scoring: scoring } = l7;
  return {
    enabled: l7.enabled,
    slowConnection: {
      enabled: slow.enabled,
      minBytesInFirst: slow.min_bytes_in_first,
      handshakeTimeoutMs: ms(slow.handshake_timeout),
      minRecvRateBps: slow.min_recv_rate_bps,
    },
    payloadRateLimit: {
      enabled: rate.enabled,
      maxBytesPerSecPerIp: rate.max_bytes_per_sec_per_ip,
      maxBytesPerSecPerConn: rate.max_bytes_per_sec_per_conn,
      burstMultiplier: rate.burst_multiplier,
    },
    connectionCycling: {
      enabled: cycling.enabled,
      windowMs: ms(cycling.window),
      maxConnsInWindow: cycling.max_conns_in_window,
      banDurationMs: ms(cycling.ban_duration),
    },
    payloadInspection: {
      enabled: inspection.enabled,
      mode: inspection.mode,
      customRules: inspection.custom_rules.map((rule) => ({
        name: rule.name,
        matchOffset: rule.match_offset,
        matchBytes: must(parseHexBytes(rule.match_bytes)),
        action: rule.action,
      })),
    },
    amplification: {
      enabled: amplification.enabled,
      maxResponseToRequestRatio: amplification.max_response_to_request_ratio,
      windowMs: ms(amplification.window),
    },
    behavioralScoring: {
      enabled: scoring.enabled,
      scoreWindowMs: ms(scoring.score_window),
      banThreshold: scoring.ban_threshold,
      banDurationMs: ms(scoring.ban_duration),
      scoreRules: scoreTable(scoring.score_rules),
    },
  };
}

/** The operator's rules first, then the built-in score of every event they did not list. */
function scoreTable(rules: L7['behavioral_scoring']['score_rules']): { event: string; score: number }[] {
  const listed = new Set(rules.map((rule) => rule.event));
  const builtIn = SCORE_EVENTS.filter((event) => !listed.has(event)).map((event) => ({ event, score: BUILTIN_SCORES[event] }));
  return [...rules.map(({ event, score }) => ({ event, score })), ...builtIn];
}
