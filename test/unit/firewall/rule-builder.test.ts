import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RateLimitsConfig } from '../../../shared/config/resolved-types.js';
import { hashlimitName } from '../../../supervisor/firewall/firewall-names.js';
import { buildProxyRules, destinationsFor, ruleLine, type ProxyRuleInput } from '../../../supervisor/firewall/rule-builder.js';
import type { IpFamily, RuleKind } from '../../../supervisor/firewall/rule-kinds.js';
import { everyLimit, NAMING, noLimits, proxyInput } from './firewall-fixtures.js';

/** The chain rules (jumps left out) a proxy with only `limits` set makes. */
function chainRules(limits: Partial<RateLimitsConfig>, family: IpFamily = 4, overrides: Partial<ProxyRuleInput> = {}): string[] {
  const proxy = proxyInput({ originIps: ['::'], rateLimits: { ...noLimits(), ...limits }, ...overrides });
  const set = buildProxyRules(proxy, { naming: NAMING, family });
  return set === null ? [] : set.rules.map(ruleLine);
}

const hl = (kind: RuleKind, rate: number, mode: 'srcip' | 'all' = 'srcip'): string => hashlimitName(NAMING, 'mc', kind, `${rate}/${rate}/${mode}`);
const drop = (kind: string, match: string): string => `-A ROUTEX-mc ${match} -m comment --comment RouteX-mc-${kind}-25565 -j DROP`;

describe('rule builder: one rule per rate_limits field, IPv4 and IPv6', () => {
  const cases: { field: Partial<RateLimitsConfig>; v4: string[]; v6?: string[] }[] = [
    { field: { tcpPpsPerIp: 500 }, v4: [drop('TcpPps', `-p tcp -m hashlimit --hashlimit-above 500/sec --hashlimit-burst 500 --hashlimit-mode srcip --hashlimit-name ${hl('TcpPps', 500)}`)] },
    { field: { udpPpsPerIp: 1000 }, v4: [drop('UdpPps', `-p udp -m hashlimit --hashlimit-above 1000/sec --hashlimit-burst 1000 --hashlimit-mode srcip --hashlimit-name ${hl('UdpPps', 1000)}`)] },
    { field: { newConnsPerSecPerIp: 20 }, v4: [drop('NewConnPerIp', `-p tcp -m conntrack --ctstate NEW -m hashlimit --hashlimit-above 20/sec --hashlimit-burst 20 --hashlimit-mode srcip --hashlimit-name ${hl('NewConnPerIp', 20)}`)] },
    { field: { newConnsPerSecGlobal: 500 }, v4: [drop('NewConnGlobal', `-p tcp -m conntrack --ctstate NEW -m hashlimit --hashlimit-above 500/sec --hashlimit-burst 500 --hashlimit-name ${hl('NewConnGlobal', 500, 'all')}`)] },
    { field: { tcpSynRatePerIp: 10 }, v4: [drop('SynRate', `-p tcp --syn -m hashlimit --hashlimit-above 10/sec --hashlimit-burst 10 --hashlimit-mode srcip --hashlimit-name ${hl('SynRate', 10)}`)] },
    {
      field: { maxSimultaneousConnsPerIp: 10 },
      v4: [drop('ConnPerIp', '-p tcp --syn -m connlimit --connlimit-above 10 --connlimit-mask 32 --connlimit-saddr')],
      v6: [drop('ConnPerIp', '-p tcp --syn -m connlimit --connlimit-above 10 --connlimit-mask 128 --connlimit-saddr')],
    },
    { field: { maxTotalConns: 500 }, v4: [drop('ConnTotal', '-p tcp --syn -m connlimit --connlimit-above 500 --connlimit-mask 0 --connlimit-saddr')] },
    { field: { tcpInvalidStateDrop: true }, v4: [drop('Invalid', '-p tcp -m conntrack --ctstate INVALID')] },
    { field: { minTtl: 10 }, v4: [drop('TtlMin', '-m ttl --ttl-lt 10')], v6: [drop('TtlMin', '-m hl --hl-lt 10')] },
    { field: { maxTtl: 200 }, v4: [drop('TtlMax', '-m ttl --ttl-gt 200')], v6: [drop('TtlMax', '-m hl --hl-gt 200')] },
    { field: { minPacketSize: 20 }, v4: [drop('SizeMin', '-m length --length 0:19')] },
    { field: { maxPacketSize: 1500 }, v4: [drop('SizeMax', '-m length --length 1501:65535')] },
    { field: { tcpRstRatePerIp: 20 }, v4: [drop('RstRate', `-p tcp --tcp-flags RST RST -m hashlimit --hashlimit-above 20/sec --hashlimit-burst 20 --hashlimit-mode srcip --hashlimit-name ${hl('RstRate', 20)}`)] },
    {
      field: { udpMaxPayload: 4096 },
      v4: [drop('UdpPayloadMax', '-p udp -m u32 --u32 0>>22&0x3C@4>>16=4105:65535')],
      v6: [drop('UdpPayloadMax', '-p udp -m length --length 4145:65535')],
    },
    {
      field: { udpMinPayload: 1 },
      v4: [drop('UdpPayloadMin', '-p udp -m u32 --u32 0>>22&0x3C@4>>16=0:8')],
      v6: [drop('UdpPayloadMin', '-p udp -m length --length 40:48')],
    },
  ];
  for (const { field, v4, v6 } of cases) {
    const name = Object.keys(field)[0]!;
    it(`${name}: IPv4`, () => assert.deepEqual(chainRules(field, 4), v4));
    it(`${name}: IPv6`, () => assert.deepEqual(chainRules(field, 6), v6 ?? v4));
  }

  it('drop_fragmented_packets makes no iptables rule (it is an nftables rule, see fragment-rules)', () => {
    assert.deepEqual(chainRules({ dropFragmentedPackets: true }), []);
  });

  it('limits that cannot be exceeded make no rule: max_ttl 255, max_packet_size 65535, a UDP payload cap past 65,507', () => {
    assert.deepEqual(chainRules({ maxTtl: 255, maxPacketSize: 65_535, udpMaxPayload: 65_527 }), []);
    assert.deepEqual(chainRules({ udpMaxPayload: 65_487 }, 6), []);
  });

  it('orders the rules cheapest first, per-IP limits before global ones, connection counts last', () => {
    const set = buildProxyRules(proxyInput({ rateLimits: everyLimit() }), { naming: NAMING, family: 4, banSet: 'ROUTEX-bans4' })!;
    assert.deepEqual(
      set.rules.map((r) => r.kind),
      ['Ban', 'Invalid', 'TtlMin', 'TtlMax', 'SizeMin', 'SizeMax', 'UdpPayloadMin', 'UdpPayloadMax', 'SynRate', 'NewConnPerIp', 'RstRate', 'TcpPps', 'UdpPps', 'NewConnGlobal', 'ConnPerIp', 'ConnTotal'],
    );
  });

  it('limits on connections refuse new ones only: every such rule matches SYN or conntrack NEW', () => {
    const set = buildProxyRules(proxyInput({ rateLimits: everyLimit() }), { naming: NAMING, family: 4 })!;
    for (const rule of set.rules.filter((r) => ['ConnPerIp', 'ConnTotal', 'NewConnPerIp', 'NewConnGlobal', 'SynRate'].includes(r.kind))) {
      assert.ok(rule.args.includes('--syn') || rule.args.join(' ').includes('--ctstate NEW'), ruleLine(rule));
    }
  });

  it('lists the match modules the set needs', () => {
    const set = buildProxyRules(proxyInput({ rateLimits: everyLimit(), originPorts: [1, 3] }), { naming: NAMING, family: 4, banSet: 'S' })!;
    assert.deepEqual(new Set(set.modules), new Set(['comment', 'multiport', 'set', 'conntrack', 'ttl', 'length', 'u32', 'hashlimit', 'connlimit']));
    const v6 = buildProxyRules(proxyInput({ rateLimits: everyLimit(), originIps: ['::'] }), { naming: NAMING, family: 6 })!;
    assert.ok(v6.modules.includes('hl') && !v6.modules.includes('ttl') && !v6.modules.includes('u32'));
  });
});

describe('rule builder: only the proxy\'s protocols', () => {
  it('a udp proxy gets no TCP rule, a tcp proxy no UDP rule', () => {
    const udp = buildProxyRules(proxyInput({ protocol: 'udp', rateLimits: everyLimit() }), { naming: NAMING, family: 4 })!;
    assert.deepEqual(udp.rules.map((r) => r.kind), ['TtlMin', 'TtlMax', 'SizeMin', 'SizeMax', 'UdpPayloadMin', 'UdpPayloadMax', 'UdpPps']);
    assert.ok(udp.jumps.every((j) => j.args[1] === 'udp'));
    const tcp = buildProxyRules(proxyInput({ protocol: 'tcp', rateLimits: everyLimit() }), { naming: NAMING, family: 4 })!;
    assert.ok(tcp.rules.every((r) => !r.args.includes('udp')));
    assert.ok(tcp.jumps.every((j) => j.args[1] === 'tcp'));
  });

  it('tcp-udp jumps into the chain from both protocols', () => {
    const set = buildProxyRules(proxyInput({ rateLimits: { ...noLimits(), minTtl: 5 } }), { naming: NAMING, family: 4 })!;
    assert.deepEqual(set.jumps.map(ruleLine), [
      '-A ROUTEX-INPUT -p tcp --dport 25565 -m comment --comment RouteX-mc-Jump-25565 -j ROUTEX-mc',
      '-A ROUTEX-INPUT -p udp --dport 25565 -m comment --comment RouteX-mc-Jump-25565 -j ROUTEX-mc',
    ]);
  });
});

describe('rule builder: ports and addresses', () => {
  const jumps = (overrides: Partial<ProxyRuleInput>, family: IpFamily = 4): string[] =>
    buildProxyRules(proxyInput({ protocol: 'tcp', rateLimits: { ...noLimits(), minTtl: 5 }, ...overrides }), { naming: NAMING, family })?.jumps.map((j) => j.args.join(' ')) ?? [];

  it('a single port is --dport N', () => {
    assert.deepEqual(jumps({ originPorts: [25565] }), ['-p tcp --dport 25565']);
  });

  it('a contiguous range is --dport low:high, whatever order the ports were written in', () => {
    assert.deepEqual(jumps({ originPorts: [25567, 25565, 25566] }), ['-p tcp --dport 25565:25567']);
  });

  it('non-contiguous ports use multiport (never a comma list after --dport)', () => {
    assert.deepEqual(jumps({ originPorts: [25565, 27015, 27016, 27017] }), ['-p tcp -m multiport --dports 25565,27015:27017']);
  });

  it('more than 15 port slots are split over several multiport rules', () => {
    const ports = Array.from({ length: 20 }, (_, i) => 1000 + i * 2);
    const rules = jumps({ originPorts: ports });
    assert.equal(rules.length, 2);
    assert.equal(rules[0], `-p tcp -m multiport --dports ${ports.slice(0, 15).join(',')}`);
    assert.equal(rules[1], `-p tcp -m multiport --dports ${ports.slice(15).join(',')}`);
  });

  it('the comment carries the whole port set', () => {
    const set = buildProxyRules(proxyInput({ originPorts: [25565, 27015, 27016], rateLimits: { ...noLimits(), minTtl: 5 } }), { naming: NAMING, family: 4 })!;
    assert.equal(set.rules[0]!.comment, 'RouteX-mc-TtlMin-25565,27015:27016');
  });

  it('0.0.0.0 matches any IPv4 destination and makes no IPv6 rules', () => {
    assert.deepEqual(jumps({ originIps: ['0.0.0.0'] }), ['-p tcp --dport 25565']);
    assert.deepEqual(jumps({ originIps: ['0.0.0.0'] }, 6), []);
  });

  it(':: matches any destination in both families', () => {
    assert.deepEqual(jumps({ originIps: ['::'] }, 4), ['-p tcp --dport 25565']);
    assert.deepEqual(jumps({ originIps: ['::'] }, 6), ['-p tcp --dport 25565']);
  });

  it('specific origin IPs become -d, each in its own family', () => {
    const ips = ['192.0.2.10', '2001:db8::1', '192.0.2.11'];
    assert.deepEqual(jumps({ originIps: ips }, 4), ['-p tcp -d 192.0.2.10 --dport 25565', '-p tcp -d 192.0.2.11 --dport 25565']);
    assert.deepEqual(jumps({ originIps: ips }, 6), ['-p tcp -d 2001:db8::1 --dport 25565']);
  });

  it('an IPv4-mapped IPv6 origin is an IPv4 destination', () => {
    assert.deepEqual(destinationsFor(['::ffff:192.0.2.1'], 4), ['192.0.2.1']);
    assert.deepEqual(destinationsFor(['::ffff:192.0.2.1'], 6), []);
  });
});

describe('rule builder: nothing to do', () => {
  it('no limit and no ban set: no rule set at all', () => {
    assert.equal(buildProxyRules(proxyInput(), { naming: NAMING, family: 4 }), null);
  });

  it('with a ban set, every proxy chain starts with the ban rule', () => {
    const set = buildProxyRules(proxyInput(), { naming: NAMING, family: 4, banSet: 'ROUTEX-bans4' })!;
    assert.deepEqual(set.rules.map(ruleLine), ['-A ROUTEX-mc -m set --match-set ROUTEX-bans4 src -m comment --comment RouteX-mc-Ban-25565 -j DROP']);
  });

  it('is pure: the same input gives the same rules, and the input is not changed', () => {
    const input = proxyInput({ rateLimits: everyLimit() });
    const copy = structuredClone(input);
    const a = buildProxyRules(input, { naming: NAMING, family: 4 });
    const b = buildProxyRules(input, { naming: NAMING, family: 4 });
    assert.deepEqual(a, b);
    assert.deepEqual(input, copy);
  });
});
