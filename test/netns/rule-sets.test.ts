// Every rule set the builder makes is one the kernel takes: first `iptables-restore --test` (the
// parser), then a real commit in a scratch namespace, because --test never asks the kernel (a
// hashlimit name with "/" or an unusable module passes it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Protocol, RateLimitsConfig } from '../../shared/config/resolved-types.js';
import { buildFragmentRules, fragmentBatch } from '../../supervisor/firewall/fragment-rules.js';
import { buildProxyRules, type ProxyRuleInput } from '../../supervisor/firewall/rule-builder.js';
import { replaceBatch } from '../../supervisor/firewall/restore-batch.js';
import type { IpFamily } from '../../supervisor/firewall/rule-kinds.js';
import { parseSave } from '../../supervisor/firewall/save-parser.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { everyLimit, NAMING, noLimits } from '../unit/firewall/firewall-fixtures.js';

const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('ipset', 'ipset') || missingTool('nft', 'nftables');

/** One field on at a time, then all together, then edge values. */
function limitSets(): [string, RateLimitsConfig][] {
  const all = everyLimit();
  const single = (Object.keys(all) as (keyof RateLimitsConfig)[]).map((key): [string, RateLimitsConfig] => [key, { ...noLimits(), [key]: all[key] }]);
  const maxima: RateLimitsConfig = { ...all, tcpPpsPerIp: 1_000_000, udpPpsPerIp: 1_000_000, newConnsPerSecPerIp: 1_000_000, newConnsPerSecGlobal: 1_000_000, tcpSynRatePerIp: 1_000_000, tcpRstRatePerIp: 1_000_000, maxSimultaneousConnsPerIp: 4_294_967_295, maxTotalConns: 4_294_967_295, minTtl: 254, maxTtl: 255, minPacketSize: 65_534, maxPacketSize: 65_535, udpMinPayload: 65_000, udpMaxPayload: 65_001 };
  const minima: RateLimitsConfig = { ...all, tcpPpsPerIp: 1, udpPpsPerIp: 1, newConnsPerSecPerIp: 1, newConnsPerSecGlobal: 1, tcpSynRatePerIp: 1, tcpRstRatePerIp: 1, maxSimultaneousConnsPerIp: 1, maxTotalConns: 1, minTtl: 1, maxTtl: 2, minPacketSize: 1, maxPacketSize: 2, udpMinPayload: 1, udpMaxPayload: 2 };
  return [...single, ['every field', all], ['largest values', maxima], ['smallest values', minima]];
}

const PORTS: [string, number[]][] = [
  ['single port', [25565]],
  ['range', [25565, 25566, 25567, 25568]],
  ['non-contiguous', [25565, 27015, 27016, 27017, 30000]],
  ['40 scattered ports (several multiport groups)', Array.from({ length: 40 }, (_, i) => 20_000 + i * 7)],
];

const ORIGINS: Record<IpFamily, string[][]> = { 4: [['0.0.0.0'], ['192.0.2.10', '192.0.2.11']], 6: [['::'], ['2001:db8::10']] };
const PROTOCOLS: Protocol[] = ['tcp', 'udp', 'tcp-udp'];

function* proxies(): Generator<{ what: string; proxy: ProxyRuleInput; family: IpFamily }> {
  let serial = 0;
  for (const family of [4, 6] as IpFamily[]) {
    for (const [limitsName, rateLimits] of limitSets()) {
      for (const [portsName, originPorts] of PORTS) {
        for (const protocol of PROTOCOLS) {
          const originIps = ORIGINS[family][(originPorts.length + protocol.length) % 2]!;
          const name = `p${serial++}-${limitsName.replace(/\W+/g, '')}-${protocol}`.slice(0, 64);
          yield { what: `IPv${family} ${limitsName}, ${portsName}, ${protocol}, ${originIps.join(' ')}`, proxy: { name, protocol, originIps, originPorts, rateLimits }, family };
        }
      }
    }
  }
}

describe('every generated rule set is accepted by the kernel', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['k'], links: [] });
    const sets = 'create ROUTEX-bans4 hash:net family inet timeout 0\ncreate ROUTEX-bans6 hash:net family inet6 timeout 0\n';
    assert.equal((await lab.exec('k', 'ipset', ['restore'], { input: sets })).exitCode, 0);
  });
  after(() => lab?.destroy());

  it('iptables-restore --test, then a real commit, for every field × family × port shape × protocol × origin', async () => {
    const batches: Record<IpFamily, string[]> = { 4: [], 6: [] };
    let count = 0;
    const empty = parseSave('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n');
    for (const { proxy, family } of proxies()) {
      const set = buildProxyRules(proxy, { naming: NAMING, family, banSet: `ROUTEX-bans${family}` });
      if (set === null) continue;
      count += set.rules.length + set.jumps.length;
      const batch = replaceBatch(empty, NAMING, proxy.name, set, set.chain, true);
      batches[family].push(batch.replace(/^\*filter\n(:ROUTEX-INPUT - \[0:0\]\n-I INPUT 1 [^\n]*\n)?/, ''));
    }
    assert.ok(count > 1000, `${count} rules`);
    for (const family of [4, 6] as IpFamily[]) {
      const binary = family === 4 ? 'iptables-restore' : 'ip6tables-restore';
      // One transaction per family: the base chains once, every proxy's batch body after it.
      const whole = `*filter\n:ROUTEX-INPUT - [0:0]\n-I INPUT 1 -j ROUTEX-INPUT\n${batches[family].map((b) => b.replace(/COMMIT\n$/, '')).join('')}COMMIT\n`;
      const tested = await lab.exec('k', binary, ['--test', '--noflush'], { input: whole });
      assert.equal(tested.exitCode, 0, `${binary} --test: ${tested.stderr}`);
      const committed = await lab.exec('k', binary, ['--noflush'], { input: whole });
      assert.equal(committed.exitCode, 0, `${binary}: ${committed.stderr}`);
    }
  });

  it('the nftables fragment rules, IPv4 and IPv6, for every port shape and protocol', async () => {
    const bodies: string[] = [];
    for (const [, originPorts] of PORTS) {
      for (const protocol of PROTOCOLS) {
        for (const originIps of [['0.0.0.0', '::'], ['192.0.2.1', '2001:db8::1']]) {
          bodies.push(...buildFragmentRules({ name: `f-${protocol}`, protocol, originIps, originPorts, rateLimits: { ...noLimits(), dropFragmentedPackets: true } }, NAMING, [4, 6]));
        }
      }
    }
    const batch = fragmentBatch([], NAMING, 'f', bodies);
    const checked = await lab.exec('k', 'nft', ['-c', '-f', '-'], { input: batch });
    assert.equal(checked.exitCode, 0, checked.stderr);
    const applied = await lab.exec('k', 'nft', ['-f', '-'], { input: batch });
    assert.equal(applied.exitCode, 0, applied.stderr);
  });
});
