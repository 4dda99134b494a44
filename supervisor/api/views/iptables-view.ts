import type { RateLimitsConfig } from '../../../shared/config/resolved-types.js';
import type { FirewallManager } from '../../firewall/firewall-manager.js';
import { proxyChain } from '../../firewall/firewall-names.js';
import { dropCounts, type KernelRule } from '../../firewall/kernel-view.js';
import { kindLabel } from '../../firewall/rule-kinds.js';

export function kernelStatusView(firewall: FirewallManager, name: string) {
  const status = firewall.status(name);
  return { state: status.state, reason: status.reason, chain: proxyChain(firewall.naming, name), rules_installed: status.rules, updated_at: status.updatedAt };
}

/** The rate_limits block with the YAML's own keys. */
export function rateLimitsYaml(limits: RateLimitsConfig): Record<string, number | boolean> {
  return Object.fromEntries(Object.entries(limits).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
}

export function droppedView(name: string, rules: KernelRule[]) {
  const byKind: Record<string, { packets: number; bytes: number }> = {};
  let packets = 0;
  let bytes = 0;
  for (const count of dropCounts(new Map([[name, rules]]))) {
    byKind[kindLabel(count.kind)] = { packets: count.packets, bytes: count.bytes };
    packets += count.packets;
    bytes += count.bytes;
  }
  return { packets, bytes, by_kind: byKind };
}
