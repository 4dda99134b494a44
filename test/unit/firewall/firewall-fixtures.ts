import type { RateLimitsConfig } from '../../../shared/config/resolved-types.js';
import type { FirewallNaming } from '../../../supervisor/firewall/firewall-names.js';
import type { ProxyRuleInput } from '../../../supervisor/firewall/rule-builder.js';

export const NAMING: FirewallNaming = { chainPrefix: 'ROUTEX', commentPrefix: 'RouteX' };

/** Every limit off. */
export function noLimits(): RateLimitsConfig {
  return {
    tcpPpsPerIp: 0,
    udpPpsPerIp: 0,
    newConnsPerSecPerIp: 0,
    newConnsPerSecGlobal: 0,
    tcpSynRatePerIp: 0,
    maxSimultaneousConnsPerIp: 0,
    maxTotalConns: 0,
    dropFragmentedPackets: false,
    tcpInvalidStateDrop: false,
    minTtl: 0,
    maxTtl: 0,
    minPacketSize: 0,
    maxPacketSize: 0,
    tcpRstRatePerIp: 0,
    udpMaxPayload: 0,
    udpMinPayload: 0,
  };
}

/** The spec's example block: every field on. */
export function everyLimit(): RateLimitsConfig {
  return {
    tcpPpsPerIp: 500,
    udpPpsPerIp: 1000,
    newConnsPerSecPerIp: 20,
    newConnsPerSecGlobal: 500,
    tcpSynRatePerIp: 10,
    maxSimultaneousConnsPerIp: 10,
    maxTotalConns: 500,
    dropFragmentedPackets: true,
    tcpInvalidStateDrop: true,
    minTtl: 10,
    maxTtl: 254,
    minPacketSize: 20,
    maxPacketSize: 1500,
    tcpRstRatePerIp: 20,
    udpMaxPayload: 4096,
    udpMinPayload: 1,
  };
}

export function proxyInput(overrides: Partial<ProxyRuleInput> = {}): ProxyRuleInput {
  return { name: 'mc', protocol: 'tcp-udp', originIps: ['0.0.0.0'], originPorts: [25565], rateLimits: noLimits(), ...overrides };
}
