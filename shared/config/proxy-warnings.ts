// Settings that are valid but do nothing where they are: reported as warnings, never errors.
import type { CheckContext } from './check-context.js';
import type { Filled } from './filled.js';
import type { ProxyFile } from './schema-proxy.js';

type Proxy = Filled<ProxyFile>;

export function warnAboutUnusedSettings(proxy: Proxy, ctx: CheckContext): void {
  const balancing = proxy.load_balancing;
  if (ctx.clean('load_balancing.algorithm', 'load_balancing.upstream_weights') && balancing.algorithm !== 'weighted' && Object.keys(balancing.upstream_weights).length > 0) {
    ctx.warn('load_balancing.upstream_weights', `only the weighted algorithm uses weights, and this proxy uses ${balancing.algorithm}`);
  }
  if (ctx.clean('bandwidth')) warnAboutBandwidth(proxy.bandwidth, ctx);
}

function warnAboutBandwidth(bandwidth: Proxy['bandwidth'], ctx: CheckContext): void {
  const anyLimit = bandwidth.hourly_limit + bandwidth.daily_limit + bandwidth.weekly_limit + bandwidth.monthly_limit > 0;
  if (!bandwidth.enabled && anyLimit) ctx.warn('bandwidth.enabled', 'is false, so the bandwidth limits are not applied');
  if (bandwidth.enabled && bandwidth.suspend_on_limit && !anyLimit) {
    ctx.warn('bandwidth.suspend_on_limit', 'has no effect: every limit is 0 (unlimited)');
  }
}
