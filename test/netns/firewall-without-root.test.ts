// Without root (or CAP_NET_ADMIN), or without the iptables binaries, there are no kernel rules, but
// the proxy runs and forwards, and the API says why. The supervisor runs inside a namespace so that
// even a mistake could not touch the host's firewall.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { listRules, rulesOf, startFirewallSupervisor } from '../helpers/firewall-lab.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { ADMIN_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const NOBODY = 65_534;
const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('setpriv', 'util-linux');
const WARNING = 'iptables unusable, proxies run without kernel rules';

describe('iptables enabled but RouteX not root', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  let backend: TcpBackend;
  const yaml = (limit: number): string =>
    proxyYaml({ name: 'mc', originIps: '0.0.0.0', originPorts: [25565], destIps: lab.ip('host', 'srv'), destPorts: [backend.port], extra: `rate_limits:\n  tcp_syn_rate_per_ip: ${limit}` });

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv'], links: [['srv', 'host']] });
    backend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    sup = await startFirewallSupervisor(lab, 'srv', { uid: NOBODY, proxies: { 'mc.yaml': yaml(10) }, waitForRunning: ['mc'] });
  });
  after(async () => {
    await sup?.stop('SIGKILL');
    await lab?.destroy();
    await backend?.close();
  });

  it('the supervisor runs as nobody and the proxy forwards', async () => {
    assert.equal((await lab.exec('srv', 'ps', ['-o', 'uid=', '-p', String(sup.pid)])).stdout.trim(), String(NOBODY));
    const client = await TcpClient.connect(25565, { host: lab.ip('srv', 'host') });
    client.write('through');
    await client.waitForText('through', 3000);
    client.destroy();
  });

  it('the API says why there are no kernel rules, for RouteX and for the proxy', async () => {
    const view = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body;
    assert.deepEqual([view.enabled, view.active], [true, false]);
    assert.match(view.reason, /Permission denied|must be root/);
    assert.match(view.reason, /root or CAP_NET_ADMIN/);
    const mc = (await sup.api('GET', '/api/proxies/mc/ratelimits', { key: ADMIN_KEY })).body;
    assert.deepEqual([mc.iptables.state, mc.iptables.reason, mc.rules], ['unavailable', view.reason, []]);
    assert.equal((await sup.api('POST', '/api/iptables/orphan-sweep', { key: ADMIN_KEY })).body.error.code, 'ERR_IPTABLES_UNAVAILABLE');
    assert.deepEqual(rulesOf(await listRules(lab, 'srv')), []);
  });

  it('warns once, not again on every reload', async () => {
    sup.writeProxy('mc.yaml', yaml(20));
    await waitFor('the reload', () => sup.logs.some((l) => l['message'] === 'config reloaded'));
    assert.equal(sup.logs.filter((l) => l['message'] === WARNING).length, 1);
    assert.equal(sup.logs.filter((l) => String(l['message']).startsWith('iptables rules not applied')).length, 0);
  });
});

describe('iptables enabled but not installed', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  it('the proxy forwards and the API names the missing binary and its package', async (t) => {
    failOnMissing(UNAVAILABLE);
    const lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv'], links: [['srv', 'host']] });
    t.after(() => lab.destroy());
    const backend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    t.after(() => backend.close());
    // iptables, ip6tables, nft and ipset live in /usr/sbin: a PATH without it is a host without them.
    const sup = await startFirewallSupervisor(lab, 'srv', {
      env: { PATH: '/usr/bin:/bin' },
      proxies: { 'mc.yaml': proxyYaml({ name: 'mc', originIps: '0.0.0.0', originPorts: [25565], destIps: lab.ip('host', 'srv'), destPorts: [backend.port], extra: 'rate_limits:\n  tcp_syn_rate_per_ip: 10' }) },
      waitForRunning: ['mc'],
    });
    t.after(() => sup.stop('SIGKILL'));
    const view = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body;
    assert.equal(view.active, false);
    assert.equal(view.reason, 'iptables-save is not installed (apt-get install iptables)');
    assert.equal(view.proxies[0].iptables.state, 'unavailable');
    const client = await TcpClient.connect(25565, { host: lab.ip('srv', 'host') });
    client.write('through');
    await client.waitForText('through', 3000);
    client.destroy();
  });
});
