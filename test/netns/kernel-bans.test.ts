// Bans in the kernel: an ipset per family, matched by the first rule of each proxy chain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IptablesConfig } from '../../shared/config/resolved-types.js';
import { BanSets, type KernelBan } from '../../supervisor/firewall/ban-sets.js';
import { FirewallManager, type BanFeed } from '../../supervisor/firewall/firewall-manager.js';
import { Logger } from '../../supervisor/logging/logger.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { runnerIn } from '../helpers/netns-runner.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { TRAFFIC_CLIENT } from '../helpers/traffic-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { NAMING, noLimits } from '../unit/firewall/firewall-fixtures.js';

const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('ipset', 'ipset');
const logger = Logger.create({ level: 'error', format: 'json', output: 'stdout', filePath: '', maxSizeMb: 1, maxBackups: 1 });
const CONFIG: IptablesConfig = { enabled: true, chainPrefix: 'ROUTEX', commentPrefix: 'RouteX', autoCreateChains: true, flushOnStart: false, ipv6Enabled: false };

/** `count` distinct bans: IPv4 addresses, every 10th a /24, a few IPv6 ones. */
function manyBans(count: number, seed: number, expiresAtMs: number | null): KernelBan[] {
  const bans: KernelBan[] = [];
  for (let i = 0; bans.length < count; i++) {
    const n = (seed * 7_919 + i * 104_729) % 16_000_000;
    const v4 = `${11 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    bans.push({ target: i % 50 === 0 ? `2001:db8:${seed.toString(16)}::${i.toString(16)}` : i % 10 === 0 ? `${v4}.0/24` : `${v4}.${1 + (i % 250)}`, expiresAtMs });
  }
  return bans;
}

/** A ban list that tells its subscribers, like the supervisor's. */
class FakeBanList implements BanFeed {
  private listeners = new Set<Parameters<BanFeed['subscribe']>[0]>();
  constructor(private bans: KernelBan[]) {}
  list(): KernelBan[] {
    return this.bans;
  }
  subscribe(listener: Parameters<BanFeed['subscribe']>[0]): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  ban(ban: KernelBan): void {
    this.bans = [...this.bans, ban];
    for (const l of this.listeners) l({ kind: 'added', ban });
  }
  unban(target: string): void {
    const ban = this.bans.find((b) => b.target === target)!;
    this.bans = this.bans.filter((b) => b !== ban);
    for (const l of this.listeners) l({ kind: 'removed', ban });
  }
}

describe('kernel bans (ipset) in a network namespace', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv', 'cli'], links: [['srv', 'cli']] });
  });
  after(() => lab?.destroy());

  it('10,000 bans install in under 5 s, and a second install swaps them for exactly the new list', async (t) => {
    const sets = new BanSets(runnerIn(lab, 'srv'), NAMING, [4, 6]);
    const first = manyBans(10_000, 1, Date.now() + 3_600_000);
    let started = performance.now();
    await sets.replaceAll(first);
    const installMs = performance.now() - started;
    const sizes = await sets.sizes();
    t.diagnostic(`10,000 bans installed in ${installMs.toFixed(0)} ms (ipv4 ${sizes.get(4)}, ipv6 ${sizes.get(6)})`);
    assert.ok(installMs < 5_000, `${installMs} ms`);
    assert.equal(sizes.get(4)! + sizes.get(6)!, 10_000);
    const second = manyBans(10_000, 2, null);
    started = performance.now();
    await sets.replaceAll(second);
    t.diagnostic(`replaced by another 10,000 in ${(performance.now() - started).toFixed(0)} ms`);
    const after = await sets.sizes();
    assert.equal(after.get(4)! + after.get(6)!, 10_000);
    const gone = first.find((b) => !b.target.includes(':') && !b.target.includes('/'))!.target;
    assert.notEqual((await lab.exec('srv', 'ipset', ['test', 'ROUTEX-bans4', gone])).exitCode, 0, `${gone} left with the old list`);
    await sets.destroy();
  });

  it('a ban\'s remaining time is the kernel\'s timeout: it expires by itself', async () => {
    const sets = new BanSets(runnerIn(lab, 'srv'), NAMING, [4]);
    await sets.replaceAll([{ target: '192.0.2.1', expiresAtMs: Date.now() + 400 }, { target: '192.0.2.2', expiresAtMs: null }]);
    assert.equal((await sets.sizes()).get(4), 2);
    await waitFor('the timed ban to leave the set', async () => (await sets.sizes()).get(4) === 1, { timeoutMs: 4_000 });
    assert.equal((await lab.exec('srv', 'ipset', ['test', 'ROUTEX-bans4', '192.0.2.2'])).exitCode, 0, 'the permanent ban stays');
    await sets.destroy();
  });

  it('a banned address is dropped by the kernel, admitted again after the unban, and a restart follows the ban list', async (t) => {
    const cli = lab.ip('cli', 'srv');
    const server = lab.spawn('srv', process.execPath, ['-e', "require('net').createServer((s) => s.pipe(s)).listen(25565)"]);
    t.after(() => server.kill());
    const connects = async (): Promise<number> => {
      const result = await lab.exec('cli', process.execPath, [TRAFFIC_CLIENT, JSON.stringify({ mode: 'tcp-parallel', host: lab.ip('srv', 'cli'), port: 25565, count: 1, waitMs: 300 })]);
      return JSON.parse(result.stdout).echoed as number;
    };
    await waitFor('the test server', async () => (await connects()) === 1);
    const proxy = { name: 'mc', protocol: 'tcp' as const, originIps: ['0.0.0.0'], originPorts: [25565], rateLimits: noLimits() };
    const bans = new FakeBanList([]);
    const firewall = new FirewallManager(CONFIG, logger, runnerIn(lab, 'srv'), bans);
    await firewall.start([proxy], ['mc']);
    assert.equal(firewall.bansUnavailableReason, null);
    assert.equal(await connects(), 1);

    bans.ban({ target: cli, expiresAtMs: Date.now() + 600_000 });
    await waitFor('the ban to reach the set', async () => (await lab.exec('srv', 'ipset', ['test', 'ROUTEX-bans4', cli])).exitCode === 0);
    assert.equal(await connects(), 0);
    const banRule = (await firewall.kernelRules()).get('mc')!.find((r) => r.kind === 'Ban')!;
    assert.ok(banRule.packets > 0, 'the kernel counted the dropped SYNs');

    bans.unban(cli);
    await waitFor('the unban to reach the set', async () => (await lab.exec('srv', 'ipset', ['test', 'ROUTEX-bans4', cli])).exitCode !== 0);
    assert.equal(await connects(), 1);

    // A new supervisor (the old one killed, its set left behind) starts from the ban list of record.
    bans.ban({ target: cli, expiresAtMs: null });
    await waitFor('the ban', async () => (await lab.exec('srv', 'ipset', ['test', 'ROUTEX-bans4', cli])).exitCode === 0);
    const record = [...manyBans(9_999, 3, Date.now() + 600_000), { target: cli, expiresAtMs: null }];
    const restarted = new FirewallManager(CONFIG, logger, runnerIn(lab, 'srv'), new FakeBanList(record));
    const started = performance.now();
    await restarted.start([proxy], ['mc']);
    t.diagnostic(`restart with 10,000 bans: sets and rules in place after ${(performance.now() - started).toFixed(0)} ms`);
    // ipv6_enabled is off here: the IPv6 bans stay with the workers, every IPv4 one is in the kernel.
    assert.equal((await restarted.banSetSizes()).get(4), record.filter((b) => !b.target.includes(':')).length);
    assert.equal(await connects(), 0);
    await restarted.stop();
    assert.notEqual((await lab.exec('srv', 'ipset', ['list', '-n'])).stdout.includes('ROUTEX-bans4'), true, 'a clean stop removes the set');
  });
});
