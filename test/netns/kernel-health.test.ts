// data_path: kernel, the worker as control plane: its probes eject a stopped backend, the slot map
// follows, and UDP sessions pinned to the dead backend move to the other one; manual eject and
// readmit through the API do the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml } from '../helpers/kernel-lab.js';
import { ADMIN_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = kernelLabUnavailable();
const PROBE_INTERVAL_MS = 500;
const HEALTH = `connection_draining:\n  timeout: 1s\nload_balancing:\n  health_check:\n    interval: ${PROBE_INTERVAL_MS}ms\n    timeout: 250ms\n    failures_before_eject: 2\n    passes_before_readmit: 1\n`;

describe('kernel forwarding: health checks steer the kernel', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let a: string;
  let b: string;
  const upstreams = async (): Promise<any[]> => (await supervisor.api('GET', '/api/proxies/h/upstreams', { key: ADMIN_KEY })).body;
  const healthyOf = async (ip: string): Promise<boolean> => (await upstreams()).find((u) => u.ip === ip).healthy;
  const who = async (count: number) => (await lab.client('who-tcp', { host: lab.proxyIp, port: 25580, count, parallel: 1 })).byUpstream;

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    [a, b] = lab.backendIps;
    for (const ip of lab.backendIps) await lab.startBackend(ip, [35565]);
    supervisor = await lab.startSupervisor(
      { 'h.yaml': kernelProxyYaml('h', { 'origin-ip': lab.proxyIp, 'origin-port': 25580, 'dest-ip': `${a}, ${b}`, 'dest-port': 35565, protocol: 'tcp-udp' }, HEALTH) },
      ['h'],
    );
  });

  after(async () => {
    await supervisor?.stop();
    await lab?.destroy();
  });

  it('a stopped backend is ejected, new flows go to the other, and its UDP session moves within one probe interval', async (t) => {
    const replies: { at: number; upstream: string }[] = [];
    const session = lab.spawnClient('session', { host: lab.proxyIp, port: 25580, everyMs: 50, forMs: 15_000 }, (line) => line.upstream !== undefined && replies.push(line));
    t.after(() => session.kill());
    const first = await waitFor('the session\'s first reply', () => replies[0]);
    const [deadIp] = first.upstream.split(':');
    const otherIp = deadIp === a ? b : a;
    lab.stopBackend(deadIp!);
    await waitFor(`${deadIp} ejected`, async () => !(await healthyOf(deadIp!)), { timeoutMs: 5000, intervalMs: 20 });
    const ejectedAt = Date.now();
    const moved = await waitFor('the session\'s reply from the other backend', () => replies.find((r) => r.at > first.at && r.upstream.startsWith(`${otherIp}:`)), { timeoutMs: 5000 });
    t.diagnostic(`session moved ${moved.at - ejectedAt} ms after the eject was seen`);
    assert.ok(moved.at - ejectedAt <= PROBE_INTERVAL_MS, `${moved.at - ejectedAt} ms`);
    assert.deepEqual(await who(6), { [`${otherIp}:35565`]: 6 });
    const log = supervisor.logs.find((l) => l['message'] === 'udp sessions moved off an upstream');
    assert.equal(log?.['upstream'], `${deadIp}:35565`);

    await lab.startBackend(deadIp!, [35565]);
    await waitFor(`${deadIp} readmitted`, () => healthyOf(deadIp!), { timeoutMs: 5000, intervalMs: 50 });
    assert.deepEqual(await who(6), { [`${a}:35565`]: 3, [`${b}:35565`]: 3 });
  });

  it('a manual eject holds until the readmit, and the API counts the flows per upstream', async () => {
    const eject = await supervisor.api('POST', `/api/proxies/h/upstreams/${b}/eject`, { key: ADMIN_KEY });
    assert.deepEqual(eject.body, { status: 'ejected', targets_affected: 1 });
    await waitFor('the eject in the kernel', async () => JSON.stringify(await who(2)) === JSON.stringify({ [`${a}:35565`]: 2 }), { timeoutMs: 3000 });
    assert.deepEqual(await who(4), { [`${a}:35565`]: 4 });
    await supervisor.api('POST', `/api/proxies/h/upstreams/${b}/readmit`, { key: ADMIN_KEY });
    await waitFor('the readmit in the kernel', async () => Object.keys(await who(2)).length === 2, { timeoutMs: 3000 });
    const listed = await waitFor('flows counted per upstream', async () => {
      const list = await upstreams();
      return list.every((u) => u.total_connections > 0) ? list : undefined;
    });
    assert.deepEqual(listed.map((u) => [u.ip, u.healthy]), [[a, true], [b, true]]);
  });
});
