// data_path: kernel on a cluster node: bans made on another node (through Redis) reach this node's
// kernel ban sets, whether they were made before it started or while it runs, and so do unbans
// there; a ban arriving from elsewhere ends the banned client's live flows too. Node A runs in the
// test's own namespace, node B (kernel mode) in the proxy box; Redis listens on both sides.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterBlock, waitForCluster } from '../helpers/cluster-nodes.js';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml } from '../helpers/kernel-lab.js';
import { RedisServer, redisMissing } from '../helpers/redis-server.js';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = kernelLabUnavailable() || redisMissing();
const PORT = 25630;

describe('kernel forwarding on a cluster node: bans from other nodes reach the kernel', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let redis: RedisServer;
  let nodeA: SupervisorProcess;
  let nodeB: SupervisorProcess;
  let clientIp: string;
  const banned = async () => (await lab.elements('set', 'bans4')).find((e) => e.key === clientIp);
  const ban = async () => assert.equal((await nodeA.api('POST', `/api/l7/banned/${clientIp}?duration=10m&reason=griefing`, { key: ADMIN_KEY })).status, 200);

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    clientIp = lab.lab.ip('cli', 'prx');
    await lab.startBackend(lab.backendIps[0], [35565]);
    const hostIp = lab.lab.ip('host', 'prx');
    redis = await RedisServer.start({ args: ['--bind', `127.0.0.1 ${hostIp}`, '--protected-mode', 'no'] });
    nodeA = await SupervisorProcess.start({ globalExtra: clusterBlock('a', redis.url) });
    await waitForCluster(nodeA, true);
  });

  after(async () => {
    await nodeB?.stop();
    await nodeA?.stop();
    await redis?.stop();
    await lab?.destroy();
  });

  it('a ban made on another node before this one started is in the kernel set from the start and drops the client', async () => {
    await ban();
    nodeB = await lab.startSupervisor(
      { 'k.yaml': kernelProxyYaml('k', { 'origin-ip': lab.proxyIp, 'origin-port': PORT, 'dest-ip': lab.backendIps[0], 'dest-port': 35565, protocol: 'tcp-udp' }, 'connection_draining:\n  timeout: 1s\n') },
      ['k'],
      clusterBlock('b', `redis://${lab.lab.ip('host', 'prx')}:${redis.port}`),
    );
    await waitForCluster(nodeB, true);
    await waitFor('the ban in node B\'s kernel set', banned, { timeoutMs: 3000 });
    assert.equal(await lab.connect(PORT), 'timeout');
    assert.ok((await banned())!.packets > 0, 'the ban set counts the dropped client');
    const listed = (await nodeB.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body;
    assert.deepEqual(listed.map((x: any) => [x.ip, x.node]), [[clientIp, 'node-a']]);
  });

  it('an unban on the other node lets the client back; a new ban there drops it again and ends its live UDP session', async (t) => {
    const unbannedAt = Date.now();
    assert.equal((await nodeA.api('DELETE', `/api/l7/banned/${clientIp}`, { key: ADMIN_KEY })).status, 200);
    await waitFor('the unban in node B\'s kernel set', async () => (await banned()) === undefined, { timeoutMs: 3000, intervalMs: 20 });
    t.diagnostic(`unban on A left B's kernel set after ${Date.now() - unbannedAt} ms`);
    assert.equal(await lab.connect(PORT), 'connected');

    const replies: number[] = [];
    const session = lab.spawnClient('session', { host: lab.proxyIp, port: PORT, everyMs: 50, forMs: 10_000 }, (line) => line.upstream !== undefined && replies.push(line.at));
    t.after(() => session.kill());
    await waitFor('the session flowing', () => replies.length >= 3);
    const bannedAt = Date.now();
    await ban();
    await waitFor('the ban in node B\'s kernel set', banned, { timeoutMs: 3000, intervalMs: 20 });
    const inKernelAt = Date.now();
    t.diagnostic(`ban on A reached B's kernel set after ${inKernelAt - bannedAt} ms`);
    await waitFor('the flows of the banned client closed', () => nodeB.logs.some((l) => l['message'] === 'flows of a banned client closed'), { timeoutMs: 3000 });
    const closedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(replies.filter((at) => at > closedAt + 100), [], 'no reply once the session was closed');
    assert.equal(await lab.connect(PORT), 'timeout');
  });
});
