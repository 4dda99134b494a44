// Validate, before relying on it: the binaries are there, RouteX may use them, and every match
// module works in this kernel. Modules are tested by really adding one rule of each to a scratch
// chain (and removing it): `iptables-restore --test` only parses, and /proc/modules lists neither
// built-in modules nor ones the kernel would load on demand.
import { probeChain, type FirewallNaming } from './firewall-names.js';
import type { IptablesFamily } from './iptables-family.js';
import type { MatchModule } from './rule-kinds.js';

export interface FamilyCapabilities {
  /** Why this family cannot be managed at all (binary missing, not permitted); null when it can. */
  unusable: string | null;
  /** Per module: why it cannot be used; absent when it works. */
  missingModules: Map<MatchModule, string>;
}

const PERMISSION = /permission denied|operation not permitted|you must be root/i;

function probeArgs(module: MatchModule, family: 4 | 6, setName: string | null): string[] | null {
  const v4 = family === 4;
  switch (module) {
    case 'comment':
      return ['-m', 'comment', '--comment', 'probe'];
    case 'multiport':
      return ['-p', 'tcp', '-m', 'multiport', '--dports', '1,2'];
    case 'conntrack':
      return ['-m', 'conntrack', '--ctstate', 'INVALID'];
    case 'hashlimit':
      return ['-m', 'hashlimit', '--hashlimit-above', '1/sec', '--hashlimit-name', 'rxprobe'];
    case 'connlimit':
      return ['-p', 'tcp', '-m', 'connlimit', '--connlimit-above', '1'];
    case 'ttl':
      return v4 ? ['-m', 'ttl', '--ttl-lt', '1'] : null;
    case 'hl':
      return v4 ? null : ['-m', 'hl', '--hl-lt', '1'];
    case 'length':
      return ['-m', 'length', '--length', '0:1'];
    case 'u32':
      return v4 ? ['-m', 'u32', '--u32', '0>>22&0x3C@4>>16=0:1'] : null;
    case 'set':
      return setName === null ? null : ['-m', 'set', '--match-set', setName, 'src'];
  }
}

function probeBatch(chain: string, rules: string[][]): string {
  return ['*filter', `:${chain} - [0:0]`, ...rules.map((args) => `-A ${chain} ${args.join(' ')} -j RETURN`), 'COMMIT', ''].join('\n');
}

/** Tries `modules` in one batch, and one by one only when the batch fails. */
async function probeModules(table: IptablesFamily, chain: string, modules: [MatchModule, string[]][]): Promise<Map<MatchModule, string>> {
  const missing = new Map<MatchModule, string>();
  const attempt = async (rules: string[][]): Promise<string | null> => {
    try {
      await table.restore(probeBatch(chain, rules));
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  if ((await attempt(modules.map(([, args]) => args))) !== null) {
    for (const [module, args] of modules) {
      const failure = await attempt([args]);
      if (failure !== null) missing.set(module, failure);
    }
  }
  await table.restore(`*filter\n-F ${chain}\n-X ${chain}\nCOMMIT\n`).catch(() => undefined);
  return missing;
}

/**
 * What one family can do here. `setName` is the ban ipset to probe the `set` match with (null: ipset
 * is not usable, so `set` is reported missing with `setReason`).
 */
export async function probeFamily(table: IptablesFamily, naming: FirewallNaming, modules: readonly MatchModule[], setName: string | null, setReason: string): Promise<FamilyCapabilities> {
  try {
    await table.scan();
  } catch (error) {
    const message = (error as Error).message;
    const hint = / is not installed/.test(message) ? ' (apt-get install iptables)' : PERMISSION.test(message) ? ' — RouteX needs root or CAP_NET_ADMIN for kernel rules' : '';
    return { unusable: `${message}${hint}`, missingModules: new Map() };
  }
  const tried: [MatchModule, string[]][] = [];
  const missing = new Map<MatchModule, string>();
  for (const module of modules) {
    const args = probeArgs(module, table.family, setName);
    if (args !== null) tried.push([module, args]);
    else if (module === 'set') missing.set(module, setReason);
  }
  for (const [module, reason] of await probeModules(table, probeChain(naming), tried)) missing.set(module, reason);
  return { unusable: null, missingModules: missing };
}
