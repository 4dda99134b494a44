// ACL lookups per second for 10 and 10,000 rules (`npm run bench:acl`). Not a timed test: it
// prints figures to compare, showing that the cost per connection does not grow with the rules.
// Each lookup is what a new connection pays: parse the client IP text, walk the global and the
// proxy ACL, count the decision.
import type { AclConfig, AclRule } from '../../shared/config/resolved-types.js';
import { AclGate } from '../../shared/acl/acl-gate.js';
import { formatIpv4, formatIpv6 } from '../../shared/acl/ip-address.js';
import { seededRandom } from '../helpers/seeded-random.js';

const RULE_COUNTS = [10, 10_000];
const ADDRESSES = 4096;
const LOOKUPS = 2_000_000;
const ROUNDS = 5;

const random = seededRandom(42);
const u32 = (): number => Math.floor(random() * 0x1_0000_0000);

function randomRules(count: number, v6Share: number): AclRule[] {
  return Array.from({ length: count }, () => {
    const v6 = random() < v6Share;
    const prefix = v6 ? 32 + Math.floor(random() * 97) : 8 + Math.floor(random() * 25);
    const ip = v6 ? formatIpv6([0x20010db8, u32(), u32(), u32()]) : formatIpv4(u32());
    return { action: random() < 0.5 ? 'deny' : 'allow', cidr: `${ip}/${prefix}`, comment: '' };
  });
}

function acl(rules: AclRule[]): AclConfig {
  return { enabled: true, defaultAction: 'allow', rules, closeExistingOnDeny: true };
}

function clientAddresses(v6Share: number): string[] {
  return Array.from({ length: ADDRESSES }, () => (random() < v6Share ? formatIpv6([0x20010db8, u32(), u32(), u32()]) : formatIpv4(u32())));
}

/** Best of a few rounds, in lookups per second. */
function measure(gate: AclGate, addresses: string[]): number {
  let best = 0;
  let allowed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) if (gate.allows(addresses[i & (ADDRESSES - 1)]!)) allowed++;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.max(best, LOOKUPS / seconds);
  }
  if (allowed < 0) console.log(allowed); // keeps the loop from being optimised away
  return best;
}

function format(perSecond: number): string {
  return `${(perSecond / 1e6).toFixed(2)} M lookups/s (${(1e9 / perSecond).toFixed(0)} ns each)`;
}

console.log(`ACL lookup benchmark — node ${process.version}, ${LOOKUPS.toLocaleString('en')} lookups per round, best of ${ROUNDS}`);
for (const [label, v6Share] of [['IPv4 clients, IPv4 rules', 0], ['IPv6 clients, IPv6 rules', 1]] as const) {
  const addresses = clientAddresses(v6Share);
  for (const count of RULE_COUNTS) {
    // Both layers populated: the global ACL with `count` rules, the proxy's with `count` more.
    const gate = AclGate.compile(acl(randomRules(count, v6Share)), acl(randomRules(count, v6Share)))!;
    console.log(`${label.padEnd(26)} ${String(count).padStart(6)} rules per ACL: ${format(measure(gate, addresses))}`);
  }
}
