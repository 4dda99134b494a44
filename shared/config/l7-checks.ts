// l7_protection ranges, checked for the parts that will run: a part's numbers matter only when it
// and the engine are both enabled.
import type { CheckContext } from './check-context.js';
import { requirePositiveDuration } from './duration-checks.js';
import { blockOf, type Filled } from './filled.js';
import type { ProxyFile } from './schema-proxy.js';

type L7 = Filled<ProxyFile>['l7_protection'];
type Part = Exclude<keyof L7, 'enabled'>;

export function checkL7(l7: L7, ctx: CheckContext, protocol?: string): void {
  checkScoreRules(blockOf(blockOf(l7).behavioral_scoring).score_rules ?? [], ctx);
  if (!ctx.clean('l7_protection.enabled') || !l7.enabled) return;
  const on = (part: Part): boolean => ctx.clean(`l7_protection.${part}.enabled`) && l7[part].enabled;
  const when = (part: Part): string => ` when l7_protection.${part} is enabled`;
  const { slow_connection: slow, payload_rate_limit: rate, connection_cycling: cycling, amplification, behavioral_scoring: scoring } = l7;
  if (on('slow_connection')) {
    atLeast(ctx, 'l7_protection.slow_connection.min_bytes_in_first', slow.min_bytes_in_first, 1, when('slow_connection'));
    requirePositiveDuration(ctx, 'l7_protection.slow_connection.handshake_timeout', slow.handshake_timeout, when('slow_connection'));
  }
  if (on('payload_rate_limit')) {
    atLeast(ctx, 'l7_protection.payload_rate_limit.burst_multiplier', rate.burst_multiplier, 1, when('payload_rate_limit'));
    if (ctx.clean('l7_protection.payload_rate_limit') && rate.max_bytes_per_sec_per_ip === 0 && rate.max_bytes_per_sec_per_conn === 0) {
      ctx.warn('l7_protection.payload_rate_limit', 'is enabled but both byte rates are 0 (no limit), so it limits nothing');
    }
  }
  if (on('connection_cycling')) {
    requirePositiveDuration(ctx, 'l7_protection.connection_cycling.window', cycling.window, when('connection_cycling'));
    atLeast(ctx, 'l7_protection.connection_cycling.max_conns_in_window', cycling.max_conns_in_window, 1, when('connection_cycling'));
    requirePositiveDuration(ctx, 'l7_protection.connection_cycling.ban_duration', cycling.ban_duration, when('connection_cycling'));
  }
  if (on('amplification')) {
    if (ctx.clean('l7_protection.amplification.max_response_to_request_ratio') && amplification.max_response_to_request_ratio === 0) {
      ctx.error('l7_protection.amplification.max_response_to_request_ratio', `must be more than 0${when('amplification')}`);
    }
    requirePositiveDuration(ctx, 'l7_protection.amplification.window', amplification.window, when('amplification'));
  }
  if (on('behavioral_scoring')) {
    requirePositiveDuration(ctx, 'l7_protection.behavioral_scoring.score_window', scoring.score_window, when('behavioral_scoring'));
    atLeast(ctx, 'l7_protection.behavioral_scoring.ban_threshold', scoring.ban_threshold, 1, when('behavioral_scoring'));
    requirePositiveDuration(ctx, 'l7_protection.behavioral_scoring.ban_duration', scoring.ban_duration, when('behavioral_scoring'));
  }
  if (on('payload_inspection')) checkInspection(l7.payload_inspection, ctx, protocol);
}

function atLeast(ctx: CheckContext, path: string, value: number, minimum: number, condition: string): void {
  if (ctx.clean(path) && value < minimum) ctx.error(path, `must be ${minimum} or more${condition}`);
}

function checkInspection(inspection: L7['payload_inspection'], ctx: CheckContext, protocol: string | undefined): void {
  if (!ctx.clean('l7_protection.payload_inspection.mode', 'l7_protection.payload_inspection.custom_rules')) return;
  if (inspection.mode === 'minecraft-bedrock' && protocol !== 'udp' && ctx.clean('protocol')) {
    ctx.warn('l7_protection.payload_inspection.mode', `minecraft-bedrock checks UDP only (Bedrock has no TCP): the TCP listeners of this ${protocol} proxy are not inspected`);
  }
  const rules = inspection.custom_rules.length;
  if (inspection.mode === 'custom' && rules === 0) {
    ctx.warn('l7_protection.payload_inspection.custom_rules', 'mode is custom but there are no rules, so every payload is allowed');
  } else if (inspection.mode !== 'custom' && rules > 0) {
    ctx.warn('l7_protection.payload_inspection.custom_rules', `are only used when mode is custom (mode is ${inspection.mode})`);
  }
}

function checkScoreRules(rules: L7['behavioral_scoring']['score_rules'], ctx: CheckContext): void {
  if (!Array.isArray(rules)) return;
  const firstIndex = new Map<string, number>();
  rules.forEach(({ event }, index) => {
    const path = `l7_protection.behavioral_scoring.score_rules[${index}].event`;
    if (!ctx.clean(path)) return;
    const first = firstIndex.get(event);
    if (first === undefined) firstIndex.set(event, index);
    else ctx.error(path, `"${event}" is already scored by score_rules[${first}]`);
  });
}
