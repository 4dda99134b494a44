// The worker's copy of the ban list, checked for every new connection and UDP session while it
// is not empty (an empty table costs one comparison). Single addresses, nearly all bans, are
// found in a map keyed by number (IPv4) or canonical text (IPv6); networks in a prefix trie.
import type { Ban } from '../../shared/bans/ban.js';
import { AclMatcher, ClientIp } from '../../shared/acl/acl-matcher.js';
import { parseAclTarget, targetContains, type AclTarget } from '../../shared/acl/acl-target.js';
import { formatIpv6 } from '../../shared/acl/ip-address.js';

const FOREVER = Number.POSITIVE_INFINITY;

export class BanTable {
  private readonly v4 = new Map<number, number>();
  private readonly v6 = new Map<string, number>();
  private networks: { target: string; expiresAt: number }[] = [];
  private networkMatcher: AclMatcher | null = null;
  private readonly client = new ClientIp();

  get size(): number {
    return this.v4.size + this.v6.size + this.networks.length;
  }

  replace(bans: readonly Ban[]): void {
    this.v4.clear();
    this.v6.clear();
    this.networks = [];
    this.add(bans);
  }

  add(bans: readonly Ban[]): void {
    let networksChanged = false;
    for (const ban of bans) {
      const target = parseAclTarget(ban.target);
      if (target === undefined) continue;
      const expiresAt = ban.expiresAtMs ?? FOREVER;
      if (target.prefix === (target.family === 4 ? 32 : 128)) {
        if (target.family === 4) this.v4.set(target.words[0]!, expiresAt);
        else this.v6.set(formatIpv6(target.words), expiresAt);
      } else {
        this.networks = this.networks.filter((n) => n.target !== ban.target);
        this.networks.push({ target: ban.target, expiresAt });
        networksChanged = true;
      }
    }
    if (networksChanged) this.compileNetworks();
  }

  remove(targets: readonly string[]): void {
    let networksChanged = false;
    for (const text of targets) {
      const target = parseAclTarget(text);
      if (target === undefined) continue;
      if (target.prefix === (target.family === 4 ? 32 : 128)) {
        if (target.family === 4) this.v4.delete(target.words[0]!);
        else this.v6.delete(formatIpv6(target.words));
      } else {
        const before = this.networks.length;
        this.networks = this.networks.filter((n) => n.target !== text);
        networksChanged ||= this.networks.length !== before;
      }
    }
    if (networksChanged) this.compileNetworks();
  }

  /** Whether a ban that has not expired by `nowMs` covers `ip`. */
  isBanned(ip: string, nowMs: number): boolean {
    const client = this.client;
    const family = client.parse(ip);
    if (family === 0) return false;
    const exact = family === 4 ? this.v4.get(client.words[0]!) : this.v6.size > 0 ? this.v6.get(formatIpv6(client.words)) : undefined;
    if (exact !== undefined && exact > nowMs) return true;
    if (this.networkMatcher === null) return false;
    const index = this.networkMatcher.match(client);
    return index >= 0 && this.networks[index]!.expiresAt > nowMs;
  }

  private compileNetworks(): void {
    // The trie answers with the first containing network: the one banned longest comes first.
    this.networks.sort((a, b) => b.expiresAt - a.expiresAt);
    this.networkMatcher = this.networks.length === 0 ? null : AclMatcher.compile({ defaultAction: 'allow', rules: this.networks.map((n) => ({ action: 'deny', cidr: n.target, comment: '' })) });
  }
}

/** A ban's target, parsed once, to find the live connections it covers. */
export class BanTarget {
  private readonly target: AclTarget | undefined;
  private readonly client = new ClientIp();

  constructor(text: string) {
    this.target = parseAclTarget(text);
  }

  covers(ip: string): boolean {
    if (this.target === undefined) return false;
    const family = this.client.parse(ip);
    if (family === 0) return false;
    const words = Uint32Array.from(this.client.words);
    if (family === 4) words[1] = words[2] = words[3] = 0;
    return targetContains(this.target, { family, words, prefix: family === 4 ? 32 : 128 });
  }
}
