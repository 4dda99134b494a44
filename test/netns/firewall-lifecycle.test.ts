import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { listRules, rulesOf, startFirewallSupervisor, waitForRules } from '../helpers/firewall-lab.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { ADMIN_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('nft', 'nftables');

const LIMITS = `rate_limits:
  tcp_syn_rate_per_ip: 10
  max_simultaneous_conns_per_ip: 10
  tcp_invalid_state_drop: true
  drop_fragmented_packets: true
  udp_pps_per_ip: 100`;

const proxy = (name: string, port: number, limits: string, protocol: 'tcp' | 'tcp-udp' = 'tcp-udp'): string =>
  proxyYaml({ name, originIps: '0.0.0.0', originPorts: [port], destIps: '127.0.0.1', destPorts: [1], protocol, extra: limits });

/** Every line appears once: a duplicated rule is a failure to replace. */
function assertNoDuplicates(lines: string[]): void {
  const seen = new Set<string>();
  for (const line of lines) {
    assert.ok(!seen.has(line), `duplicate rule: ${line}`);
    seen.add(line);
  }
}

describe('iptables lifecycle in a network namespace', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv'], links: [['srv', 'host']] });
  });
  after(async () => {
    await sup?.stop('SIGKILL');
    await lab?.destroy();
  });

  it('the supervisor starts with rate limits: RouteX\'s chains and rules are in the kernel', async () => {
    sup = await startFirewallSupervisor(lab, 'srv', {
      proxies: { 'mc.yaml': proxy('mc', 25565, LIMITS), 'web.yaml': proxy('web', 8080, 'rate_limits:\n  tcp_syn_rate_per_ip: 5', 'tcp') },
      waitForRunning: ['mc', 'web'],
    });
    const lines = await waitForRules(lab, 'srv', 'both proxies\' rules', (l) => rulesOf(l, 'mc').length > 0 && rulesOf(l, 'web').length > 0);
    const input = lines.filter((l) => l.startsWith('-A INPUT'));
    assert.equal(input[0], '-A INPUT -m comment --comment RouteX-INPUT -j ROUTEX-INPUT', 'the jump is at the top of INPUT');
    assert.ok(lines.includes('-N ROUTEX-mc') && lines.includes('-N ROUTEX-web'));
    // mc: 4 chain rules (invalid, syn, udp pps, conn per ip) + a jump per protocol.
    // mc: the ban-set rule + 4 (invalid, syn, udp pps, conn per ip) in its chain, a jump per protocol.
    assert.equal(rulesOf(lines, 'mc').filter((l) => l.startsWith('-A ROUTEX-mc ')).length, 5);
    assert.match(rulesOf(lines, 'mc').find((l) => l.startsWith('-A ROUTEX-mc '))!, /^-A ROUTEX-mc -m set --match-set ROUTEX-bans4 src /, 'bans come first');
    assert.equal(rulesOf(lines, 'mc').filter((l) => l.startsWith('-A ROUTEX-INPUT ')).length, 2);
    assert.match((await lab.exec('srv', 'nft', ['list', 'table', 'inet', 'routex_fragments'])).stdout, /comment "RouteX-mc-Fragment-25565"/);
    const view = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body;
    assert.equal(view.active, true);
    const mc = view.proxies.find((p: any) => p.name === 'mc');
    assert.deepEqual([mc.iptables.state, mc.iptables.rules_installed], ['installed', 9]);
    assert.ok(mc.rules.some((r: any) => r.kind === 'SynRate' && r.backend === 'ipv4' && r.packets === 0));
    assert.ok(sup.logs.some((l) => l['message'] === 'iptables rules applied' && l['proxy'] === 'mc' && l['rules'] === 9));
  });

  it('changing the YAML replaces the rules, with no duplicates', async () => {
    sup.writeProxy('mc.yaml', proxy('mc', 25565, 'rate_limits:\n  tcp_syn_rate_per_ip: 20\n  min_ttl: 5'));
    const lines = await waitForRules(lab, 'srv', 'mc\'s new rules', (l) => l.some((x) => x.includes('--ttl-lt 5')));
    const mc = rulesOf(lines, 'mc');
    assertNoDuplicates(lines);
    assert.ok(mc.some((l) => l.includes('--hashlimit-above 20/sec')));
    assert.ok(!mc.some((l) => l.includes('--hashlimit-above 10/sec') || l.includes('connlimit') || l.includes('INVALID')));
    assert.equal(mc.filter((l) => l.startsWith('-A ROUTEX-mc ')).length, 3);
    await waitFor('the fragment table to go with its last rule', async () => (await lab.exec('srv', 'nft', ['list', 'table', 'inet', 'routex_fragments'])).exitCode !== 0);
  });

  it('disabling or deleting a proxy removes its rules and chain', async () => {
    sup.writeProxy('web.yaml', proxyYaml({ name: 'web', originIps: '0.0.0.0', originPorts: [8080], destPorts: [1], enabled: false, extra: 'rate_limits:\n  tcp_syn_rate_per_ip: 5' }));
    await waitForRules(lab, 'srv', 'web\'s rules to go when disabled', (l) => rulesOf(l, 'web').length === 0);
    sup.writeProxy('web.yaml', proxy('web', 8080, 'rate_limits:\n  tcp_syn_rate_per_ip: 5', 'tcp'));
    await waitForRules(lab, 'srv', 'web\'s rules back when enabled', (l) => rulesOf(l, 'web').length === 3);
    sup.removeProxy('web.yaml');
    const lines = await waitForRules(lab, 'srv', 'web\'s rules to go when deleted', (l) => rulesOf(l, 'web').length === 0);
    assert.ok(!lines.includes('-N ROUTEX-web'));
    assert.ok(rulesOf(lines, 'mc').length > 0, 'mc keeps its rules');
  });

  it('after SIGKILL, a restart leaves exactly one set; rules of a proxy deleted meanwhile are orphans until swept', async () => {
    sup.writeProxy('ghost.yaml', proxy('ghost', 7777, 'rate_limits:\n  max_total_conns: 100', 'tcp'));
    const before = await waitForRules(lab, 'srv', 'ghost\'s rules', (l) => rulesOf(l, 'ghost').length === 3);
    const mcBefore = rulesOf(before, 'mc');
    sup.removeProxy('ghost.yaml');
    sup = await sup.restart({ signal: 'SIGKILL', waitForRunning: ['mc'] });
    // Give the new supervisor's firewall pass time to run, then compare.
    await waitFor('the restart\'s firewall pass', () => sup.logs.some((l) => l['message'] === 'iptables rules of proxies that no longer exist; POST /api/iptables/orphan-sweep removes them'));
    const lines = await listRules(lab, 'srv');
    assertNoDuplicates(lines);
    assert.deepEqual(rulesOf(lines, 'mc'), mcBefore, 'mc has the same single set');
    assert.equal(rulesOf(lines, 'ghost').length, 3, 'ghost\'s rules are still there (an orphan)');
    const view = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body;
    assert.deepEqual(view.orphans.map((o: any) => o.name), ['ghost']);
    const swept = await sup.api('POST', '/api/iptables/orphan-sweep', { key: ADMIN_KEY });
    assert.deepEqual(swept.body, { status: 'swept', removed: [{ name: 'ghost', rules: 3 }] });
    const after = await listRules(lab, 'srv');
    assert.equal(rulesOf(after, 'ghost').length, 0);
    assert.ok(!after.includes('-N ROUTEX-ghost'));
    assert.deepEqual(rulesOf(after, 'mc'), mcBefore);
  });

  it('POST /api/iptables/flush/{proxy} removes and recreates a proxy\'s rules', async () => {
    const before = rulesOf(await listRules(lab, 'srv'), 'mc');
    const reply = await sup.api('POST', '/api/iptables/flush/mc', { key: ADMIN_KEY });
    assert.equal(reply.status, 200);
    assert.deepEqual([reply.body.status, reply.body.iptables.state, reply.body.iptables.rules_installed], ['flushed', 'installed', 5]);
    assert.deepEqual(rulesOf(await listRules(lab, 'srv'), 'mc'), before);
    assert.equal((await sup.api('POST', '/api/iptables/flush/nope', { key: ADMIN_KEY })).status, 404);
  });

  it('POST /api/iptables/validate answers the rules a block would make, or every problem in it', async () => {
    const good = await sup.api('POST', '/api/iptables/validate?proxy=mc', { key: ADMIN_KEY, body: { tcp_syn_rate_per_ip: 10 } });
    assert.deepEqual([good.status, good.body.valid, good.body.installable, good.body.proxy], [200, true, true, 'mc']);
    assert.ok(good.body.rules.ipv4.some((r: string) => r.startsWith('-A ROUTEX-mc -p tcp --syn -m hashlimit --hashlimit-above 10/sec')));
    const bad = await sup.api('POST', '/api/iptables/validate', { key: ADMIN_KEY, body: { min_ttl: 50, max_ttl: 10, bogus: 1, tcp_pps_per_ip: 2_000_000 } });
    assert.equal(bad.body.valid, false);
    assert.deepEqual(bad.body.errors.map((e: any) => e.path).sort(), ['rate_limits.bogus', 'rate_limits.min_ttl', 'rate_limits.tcp_pps_per_ip']);
    assert.deepEqual(bad.body.rules, { ipv4: [], ipv6: [], nftables: [] });
  });

  it('flush_on_start clears every RouteX rule before creating the current ones, and nothing else', async () => {
    // Leftovers no proxy file will ever claim, and a rule of the host's own.
    const leftovers = '*filter\n-A ROUTEX-INPUT -p tcp --dport 9 -m comment --comment RouteX-zombie-SynRate-9 -j DROP\n-A INPUT -p tcp --dport 22 -m comment --comment host-ssh -j ACCEPT\nCOMMIT\n';
    assert.equal((await lab.exec('srv', 'iptables-restore', ['--noflush'], { input: leftovers })).exitCode, 0);
    sup.signal('SIGKILL');
    await sup.waitForExit();
    const global = (await import('node:fs')).readFileSync(sup.globalFile, 'utf8').replace('iptables:\n  enabled: true', 'iptables:\n  enabled: true\n  flush_on_start: true');
    (await import('node:fs')).writeFileSync(sup.globalFile, global);
    sup = await sup.restart({ waitForRunning: ['mc'] });
    await waitFor('flush_on_start to run', () => sup.logs.some((l) => l['message'] === 'iptables flush_on_start: removed every RouteX rule'));
    const lines = await waitForRules(lab, 'srv', 'mc\'s rules', (l) => rulesOf(l, 'mc').length === 5);
    assert.equal(rulesOf(lines, 'zombie').length, 0);
    assert.ok(lines.includes('-A INPUT -p tcp -m tcp --dport 22 -m comment --comment host-ssh -j ACCEPT'), 'the host\'s rule stays');
    assert.equal(lines.filter((l) => l.startsWith('-A INPUT')).findIndex((l) => l.includes('ROUTEX-INPUT')), 0, 'RouteX\'s jump is back at the top');
    assertNoDuplicates(lines);
  });

  it('a SIGHUP that changes the iptables block moves every rule: a new chain prefix, IPv6 on', async () => {
    const fs = await import('node:fs');
    fs.writeFileSync(sup.globalFile, fs.readFileSync(sup.globalFile, 'utf8').replace('iptables:\n  enabled: true', 'iptables:\n  enabled: true\n  chain_prefix: RX2\n  ipv6_enabled: true'));
    sup.writeProxy('six.yaml', proxyYaml({ name: 'six', originIps: '::', originPorts: [9000], destPorts: [1], extra: 'rate_limits:\n  tcp_syn_rate_per_ip: 7' }));
    await waitForRules(lab, 'srv', 'six\'s IPv4 rules', (l) => rulesOf(l, 'six').length === 3);
    sup.signal('SIGHUP');
    const lines = await waitForRules(lab, 'srv', 'the RX2 chains', (l) => l.includes('-N RX2-mc') && l.includes('-N RX2-six'));
    assert.ok(!lines.some((l) => l.includes('ROUTEX-')), 'nothing is left under the old prefix');
    assert.equal(lines.filter((l) => l.startsWith('-A INPUT')).findIndex((l) => l.includes('RX2-INPUT')), 0);
    const six = await waitFor('six\'s IPv6 rules', async () => {
      const v6 = rulesOf(await listRules(lab, 'srv', 'ip6tables'), 'six');
      return v6.length === 3 ? v6 : undefined;
    });
    assert.ok(six.some((l) => l.startsWith('-A RX2-six -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m hashlimit --hashlimit-above 7/sec')), six.join('\n'));
    assert.equal(rulesOf(await listRules(lab, 'srv', 'ip6tables'), 'mc').length, 0, 'mc listens on 0.0.0.0 only: no IPv6 rules');
  });

  it('a clean stop (SIGTERM) leaves no RouteX rule behind', async () => {
    assert.equal(await sup.stop('SIGTERM'), 0);
    const lines = await listRules(lab, 'srv');
    assert.deepEqual(rulesOf(lines), []);
    assert.deepEqual(rulesOf(await listRules(lab, 'srv', 'ip6tables')), []);
    assert.ok(lines.includes('-A INPUT -p tcp -m tcp --dport 22 -m comment --comment host-ssh -j ACCEPT'));
  });
});
