// Checks on a proxy file that the schema cannot express: listeners and upstreams, one-to-one
// sizes, weights, and timeouts once the global defaults they inherit are known.
import type { CheckContext } from './check-context.js';
import { formatDuration, parseDuration } from './duration.js';
import { requirePositiveDuration } from './duration-checks.js';
import { blockOf, type Filled } from './filled.js';
import { isUnspecifiedIp, parseIpList } from './ip-list.js';
import { checkKernelPath } from './kernel-path-checks.js';
import { checkL7 } from './l7-checks.js';
import { must } from './parsed.js';
import { checkProxyProtocol } from './proxy-protocol-checks.js';
import { parsePortSpec } from './port-spec.js';
import { warnAboutUnusedSettings } from './proxy-warnings.js';
import { checkRateLimits } from './rate-limit-checks.js';
import { checkRouting } from './routing-checks.js';
import type { GlobalDefaults } from './resolved-types.js';
import type { ProxyFile } from './schema-proxy.js';
import { checkUpstreamWeights } from './upstream-weights.js';

type Proxy = Filled<ProxyFile>;

export function checkProxy(proxy: Proxy, defaults: GlobalDefaults, ctx: CheckContext): void {
  checkAddresses(proxy, ctx);
  checkTimeouts(blockOf(proxy.timeouts), defaults, ctx);
  checkBalancing(proxy, defaults, ctx);
  checkRateLimits(proxy.rate_limits, proxy.protocol, ctx);
  checkL7(proxy.l7_protection, ctx, proxy.protocol);
  checkProxyProtocol(proxy, ctx);
  checkRouting(proxy, defaults, ctx);
  checkKernelPath(proxy, ctx);
  if (ctx.clean('tls.passthrough') && !proxy.tls.passthrough) {
    ctx.error('tls.passthrough', 'RouteX does not terminate TLS; encrypted bytes are always passed through, so this must be true');
  }
  warnAboutUnusedSettings(proxy, ctx);
}

function checkAddresses(proxy: Proxy, ctx: CheckContext): void {
  if (ctx.clean('origin-ip')) {
    const ips = must(parseIpList(proxy['origin-ip']));
    const otherIpv4 = ips.find((ip) => ip !== '0.0.0.0' && !ip.includes(':'));
    if (ips.includes('::') && ips.length > 1) {
      ctx.error('origin-ip', '"::" already listens on every IPv4 and IPv6 address: list it alone');
    } else if (ips.includes('0.0.0.0') && otherIpv4 !== undefined) {
      ctx.error('origin-ip', `"0.0.0.0" already listens on every IPv4 address, ${otherIpv4} included: list one or the other`);
    }
  }
  if (ctx.clean('dest-ip')) {
    const wildcard = must(parseIpList(proxy['dest-ip'])).find(isUnspecifiedIp);
    if (wildcard !== undefined) ctx.error('dest-ip', `"${wildcard}" means "any address" and cannot be an upstream: write the upstream's own IP`);
  }
  checkListenerCount(proxy, ctx);
  if (ctx.clean('one-to-one', 'origin-port', 'dest-port') && proxy['one-to-one']) {
    const origin = must(parsePortSpec(proxy['origin-port'])).length;
    const dest = must(parsePortSpec(proxy['dest-port'])).length;
    if (origin !== dest) {
      ctx.error('one-to-one', `needs as many dest ports as origin ports, but origin-port has ${origin} and dest-port has ${dest}`);
    }
  }
}

/** Every origin IP × origin port × protocol is one socket: a range typo must not open thousands. */
function checkListenerCount(proxy: Proxy, ctx: CheckContext): void {
  if (!ctx.clean('origin-ip', 'origin-port', 'protocol', 'max_listeners')) return;
  const ips = must(parseIpList(proxy['origin-ip'])).length;
  const ports = must(parsePortSpec(proxy['origin-port'])).length;
  const protocols = proxy.protocol === 'tcp-udp' ? 2 : 1;
  const listeners = ips * ports * protocols;
  if (listeners <= proxy.max_listeners) return;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  ctx.error(
    'origin-port',
    `opens ${listeners} listeners (${plural(ips, 'origin IP')} × ${plural(ports, 'port')} × ${plural(protocols, 'protocol')}), more than max_listeners (${proxy.max_listeners}): check the range for a typo, or raise max_listeners to at least ${listeners}`,
  );
}

function checkTimeouts(timeouts: Partial<Proxy['timeouts']>, defaults: GlobalDefaults, ctx: CheckContext): void {
  const inherit = (key: string, ms: number): string => ` (leave it out to inherit defaults.${key}, ${formatDuration(ms)})`;
  requirePositiveDuration(ctx, 'timeouts.upstream_connect', timeouts.upstream_connect, inherit('upstream_connect_timeout', defaults.upstreamConnectMs));
  requirePositiveDuration(ctx, 'timeouts.udp_session_timeout', timeouts.udp_session_timeout, inherit('udp_session_timeout', defaults.udpSessionMs));
}

function checkBalancing(proxy: Proxy, defaults: GlobalDefaults, ctx: CheckContext): void {
  const balancing = proxy.load_balancing;
  if (ctx.clean('load_balancing.sticky_sessions') && balancing.sticky_sessions) {
    requirePositiveDuration(ctx, 'load_balancing.sticky_ttl', balancing.sticky_ttl, ' when sticky_sessions is true');
  }
  if (ctx.clean('load_balancing.upstream_weights', 'dest-ip', 'dest-port')) {
    const destIps = must(parseIpList(proxy['dest-ip']));
    checkUpstreamWeights(balancing.upstream_weights, destIps, must(parsePortSpec(proxy['dest-port'])), ctx);
  }
  checkHealthCheck(blockOf(blockOf(balancing).health_check), defaults, ctx);
}

function checkHealthCheck(health: Partial<Proxy['load_balancing']['health_check']>, defaults: GlobalDefaults, ctx: CheckContext): void {
  const base = 'load_balancing.health_check';
  const hint = ' (leave it out to inherit the global default)';
  requirePositiveDuration(ctx, `${base}.interval`, health.interval, hint);
  requirePositiveDuration(ctx, `${base}.timeout`, health.timeout, hint);
  if (!ctx.clean(`${base}.interval`, `${base}.timeout`)) return;
  const intervalMs = health.interval === undefined ? defaults.healthCheckIntervalMs : must(parseDuration(health.interval));
  const timeoutMs = health.timeout === undefined ? defaults.healthCheckTimeoutMs : must(parseDuration(health.timeout));
  if (intervalMs === 0 || timeoutMs === 0 || timeoutMs < intervalMs) return;
  const timeoutText = `${formatDuration(timeoutMs)}${health.timeout === undefined ? ' (defaults.health_check_timeout)' : ''}`;
  const intervalText = `${formatDuration(intervalMs)}${health.interval === undefined ? ' (defaults.health_check_interval)' : ''}`;
  const path = health.timeout === undefined ? `${base}.interval` : `${base}.timeout`;
  ctx.error(path, `the health check timeout must be less than its interval, but ${timeoutText} is not less than ${intervalText}`);
}
