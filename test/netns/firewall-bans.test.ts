// Bans in the kernel with the real supervisor: a manual ban through the API is dropped by the
// kernel before any worker sees a packet; the unban lets the address back; 10,000 bans of record
// are in the kernel within 5 s of a start, and a restart installs exactly the ban list.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StateStore } from '../../supervisor/store/state-store.js';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { startFirewallSupervisor } from '../helpers/firewall-lab.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { ADMIN_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { TRAFFIC_CLIENT } from '../helpers/traffic-client.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('ipset', 'ipset');
const silent = { info: () => undefined, error: () => undefined };

describe('bans in the kernel, with the real supervisor', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  let backend: TcpBackend;
  let cli: string;

  /** Connections from the client namespace that got through and echoed (of 1). */
  const connects = async (): Promise<number> => {
    const result = await lab.exec('cli', process.execPath, [TRAFFIC_CLIENT, JSON.stringify({ mode: 'tcp-parallel', host: lab.ip('srv', 'cli'), port: 25565, count: 1, waitMs: 400 })]);
    return JSON.parse(result.stdout).echoed as number;
  };
  const inKernelSet = async (address: string): Promise<boolean> => (await lab.exec('srv', 'ipset', ['test', 'ROUTEX-bans4', address])).exitCode === 0;
  /** The worker's counters once they show `total` connections (workers report every second). */
  const countersAt = (total: number): Promise<{ total: number; blocked: number }> =>
    sup.waitForProxy('mc', `${total} connections counted`, (p) => p.total_connections >= total).then((p) => ({ total: p.total_connections, blocked: p.l7_blocked }));
  const fromHost = async (): Promise<void> => {
    const client = await TcpClient.connect(25565, { host: lab.ip('srv', 'host') });
    client.write('x');
    await client.waitForText('x', 3000);
    client.destroy();
  };

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv', 'cli'], links: [['srv', 'cli'], ['srv', 'host']] });
    cli = lab.ip('cli', 'srv');
    backend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    sup = await startFirewallSupervisor(lab, 'srv', {
      proxies: { 'mc.yaml': proxyYaml({ name: 'mc', originIps: '0.0.0.0', originPorts: [25565], destIps: lab.ip('host', 'srv'), destPorts: [backend.port] }) },
      waitForRunning: ['mc'],
    });
  });
  after(async () => {
    await sup?.stop('SIGKILL');
    await lab?.destroy();
    await backend?.close();
  });

  it('a manual ban is dropped by the kernel (the worker sees nothing); the unban lets the address back', async () => {
    await waitFor('the proxy chain with its ban rule', async () => (await sup.api('GET', '/api/proxies/mc/ratelimits', { key: ADMIN_KEY })).body.iptables.state === 'installed');
    assert.equal(await connects(), 1);
    const banned = await sup.api('POST', `/api/l7/banned/${cli}?duration=10m`, { key: ADMIN_KEY });
    assert.equal(banned.status, 200);
    await waitFor('the ban in the kernel set', () => inKernelSet(cli));
    const before = await countersAt(1);
    assert.equal(await connects(), 0);
    const drops = (await sup.api('GET', '/api/proxies/mc/ratelimits', { key: ADMIN_KEY })).body.dropped.by_kind.ban;
    assert.ok(drops.packets >= 1, 'the kernel counted the dropped SYNs');
    // One connection from an address that is not banned: once it is counted, the banned attempts
    // would have been too. They are not: neither accepted nor refused by the worker.
    await fromHost();
    assert.deepEqual(await countersAt(before.total + 1), { total: before.total + 1, blocked: before.blocked });
    assert.equal((await sup.api('DELETE', `/api/l7/banned/${cli}`, { key: ADMIN_KEY })).status, 200);
    await waitFor('the unban in the kernel set', async () => !(await inKernelSet(cli)));
    assert.equal(await connects(), 1);
  });

  it('10,000 bans of record are in the kernel within 5 s of a start, and a restart installs exactly the ban list', async (t) => {
    assert.equal((await sup.api('POST', `/api/l7/banned/${cli}`, { key: ADMIN_KEY })).status, 200);
    assert.equal((await sup.api('POST', '/api/l7/banned/192.0.2.99?duration=1h', { key: ADMIN_KEY })).status, 200);
    await waitFor('both bans in the kernel', async () => (await inKernelSet(cli)) && (await inKernelSet('192.0.2.99')));
    sup.signal('SIGKILL');
    await sup.waitForExit();
    // While RouteX is down: 9,999 more bans of record, and one lifted (as a second node would).
    const store = StateStore.open(path.join(sup.dir, 'routex_metrics.db'), silent);
    const now = Date.now();
    for (let i = 0; i < 9_999; i++) {
      await store.bans.save({ target: `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}/32`, reason: 'seeded', source: 'test', node: null, createdAtMs: now, expiresAtMs: now + 3_600_000 });
    }
    await store.bans.delete({ target: '192.0.2.99/32', reason: '', source: 'api', node: null, createdAtMs: now, expiresAtMs: null });
    store.close();
    sup = await sup.restart({ waitForRunning: ['mc'] });
    const installed = await waitFor('the kernel bans', () => sup.logs.find((l) => l['message'] === 'kernel bans installed'));
    t.diagnostic(`restart: ${String(installed['bans'])} bans in the kernel in ${String(installed['durationMs'])} ms`);
    assert.equal(installed['bans'], 10_000);
    assert.ok(Number(installed['durationMs']) < 5_000);
    const view = await waitFor('the API to report the kernel bans', async () => {
      const body = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body;
      return body.bans.active === true ? body : undefined;
    });
    assert.deepEqual(view.bans, { active: true, reason: null, entries: { ipv4: 10_000 } });
    assert.equal(await inKernelSet('192.0.2.99'), false, 'a ban lifted while RouteX was down is not in the kernel');
    await waitFor('the proxy chain', async () => (await sup.api('GET', '/api/proxies/mc/ratelimits', { key: ADMIN_KEY })).body.iptables.state === 'installed');
    assert.equal(await connects(), 0);
  });
});
