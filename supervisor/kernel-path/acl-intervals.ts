// An ACL as nftables can hold it. The ACL says "the first rule containing the client decides, else
// the default"; an nft interval map cannot hold overlapping entries, so the address space is cut
// at every rule's edges and each piece carries the verdict (and the rule) that decides it there.
// The pieces cover every address, so the kernel counts allowed and denied flows per piece, which
// add up to the ACL's per-layer and per-rule counts. Pure: no I/O.
import { aclApplies } from '../../shared/acl/acl-gate.js';
import { ruleKey } from '../../shared/acl/acl-counts.js';
import { AclMatcher, ClientIp } from '../../shared/acl/acl-matcher.js';
import { parseAclTarget } from '../../shared/acl/acl-target.js';
import type { AclConfig } from '../../shared/config/resolved-types.js';
import { maxAddress, prefixRange, wordsOf, type Family } from './address-ranges.js';

export interface AclInterval {
  from: bigint;
  to: bigint;
  allow: boolean;
  /** `ruleKey` of the deciding rule, or null where the default action decides. */
  rule: string | null;
}

/** The pieces of one family (none when the ACL cannot refuse anyone: then nothing is looked up). */
export function aclIntervals(acl: AclConfig, family: Family): AclInterval[] {
  if (!aclApplies(acl)) return [];
  const matcher = AclMatcher.compile(acl);
  const edges = new Set<bigint>([0n]);
  const last = maxAddress(family);
  for (const rule of acl.rules) {
    const target = parseAclTarget(rule.cidr);
    if (target === undefined || target.family !== family) continue;
    const network = wordsValue(target.words, family);
    const [first, end] = prefixRange(network, target.prefix, family);
    edges.add(first);
    if (end < last) edges.add(end + 1n);
  }
  const starts = [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const client = new ClientIp();
  client.family = family;
  const pieces: AclInterval[] = [];
  let previousIndex = -2;
  starts.forEach((from, i) => {
    const to = i + 1 < starts.length ? starts[i + 1]! - 1n : last;
    client.words.set(wordsOf(from, family));
    const index = matcher.match(client);
    const tail = pieces[pieces.length - 1];
    if (tail !== undefined && index === previousIndex) {
      tail.to = to;
      return;
    }
    previousIndex = index;
    const rule = index === -1 ? null : acl.rules[index]!;
    pieces.push({ from, to, allow: matcher.allowsAt(index), rule: rule === null ? null : ruleKey(rule.action, matcher.keys[index]!) });
  });
  return pieces;
}

function wordsValue(words: Uint32Array, family: Family): bigint {
  if (family === 4) return BigInt(words[0]!);
  return [...words].reduce((sum, word) => (sum << 32n) | BigInt(word), 0n);
}
