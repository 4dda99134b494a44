// data_path: kernel, draining and leaving upstreams: a removed proxy stops new flows at once while
// its live TCP connection and UDP session go on; what is left at connection_draining.timeout is
// cut and the proxy's objects go; a drain whose flows end early ends with them. A target dropped
// from the file takes its UDP sessions' conntrack entries along, so they move to the other one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml, repliesOf as replies } from '../helpers/kernel-lab.js';
import type { SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = kernelLabUnavailable();
const DRAIN_MS = 3000;

describe('kernel forwarding: drains and leaving upstreams', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let a: string;
  let b: string;
  const drainYaml = (name: string, port: number, drain: string) =>
    kernelProxyYaml(name, { 'origin-ip': lab.proxyIp, 'origin-port': port, 'dest-ip': a, 'dest-port': 35565, protocol: 'tcp-udp' }, `connection_draining:\n  timeout: ${drain}\n`);
  const movingYaml = (dests: string) => kernelProxyYaml('m', { 'origin-ip': lab.proxyIp, 'origin-port': 25622, 'dest-ip': dests, 'dest-port': 35565, protocol: 'udp' }, 'connection_draining:\n  timeout: 1s\n');
  const chainsOf = async (name: string): Promise<number> => {
    const id = await lab.proxyId(name).catch(() => null);
    return id === null ? 0 : ((await lab.table())?.nftables ?? []).filter((item) => item.chain?.name?.startsWith(`p${id}_`)).length;
  };
  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    [a, b] = lab.backendIps;
    await lab.startBackends([35565]);
    supervisor = await lab.startSupervisor(
      {
        'cut.yaml': drainYaml('cut', 25620, `${DRAIN_MS}ms`),
        'early.yaml': drainYaml('early', 25621, '30s'),
        'm.yaml': movingYaml(`${a}, ${b}`),
      },
      ['cut', 'early', 'm'],
    );
  });

  after(async () => {
    await supervisor?.stop('SIGKILL');
    await lab?.destroy();
  });

  it('a removed proxy refuses new flows at once, its live flows go on until the drain timeout cuts them, then its objects go', async (t) => {
    const tcp = lab.session(t, 'tcp-session', 25620);
    const udp = lab.session(t, 'session', 25620);
    await waitFor('both sessions flowing', () => replies(tcp).length >= 3 && replies(udp).length >= 3);
    const removedAt = Date.now();
    supervisor.removeProxy('cut.yaml');
    await waitFor('the origin out of the dispatch maps', async () => (await lab.connect(25620)) === 'refused', { timeoutMs: 3000, intervalMs: 50 });
    const refusedAfterMs = Date.now() - removedAt;
    assert.ok((await chainsOf('cut')) > 0, 'the draining proxy keeps its chains');
    const settled = Date.now();
    await waitFor('live flows carried on after the refusal', () => replies(tcp).some((r) => r.at > settled + 500) && replies(udp).some((r) => r.at > settled + 500), { timeoutMs: DRAIN_MS });
    const closed = await waitFor('the TCP session cut', () => tcp.find((line) => line.closed), { timeoutMs: DRAIN_MS + 3000 });
    const cutAfterMs = closed.at - removedAt;
    await waitFor('the chains gone', async () => (await chainsOf('cut')) === 0, { timeoutMs: 3000 });
    t.diagnostic(`new flows refused ${refusedAfterMs} ms after the file went; the live TCP session cut ${cutAfterMs} ms after (drain timeout ${DRAIN_MS} ms), with ${closed.error}`);
    assert.ok(cutAfterMs >= DRAIN_MS - 100, `cut after ${cutAfterMs} ms, before the drain timeout`);
    const udpAfterCut = replies(udp).filter((r) => r.at > closed.at + 300);
    assert.deepEqual(udpAfterCut, [], 'the UDP session was cut too');
    assert.ok(supervisor.logs.some((l) => l['message'] === 'drain timeout reached, kernel-forwarded flows closed' && l['proxy'] === 'cut' && Number(l['flows']) >= 2));
  });

  it('a drain ends as soon as its last flow does, long before its timeout', async (t) => {
    const tcp = lab.session(t, 'tcp-session', 25621, 2500);
    await waitFor('the session flowing', () => replies(tcp).length >= 3);
    supervisor.removeProxy('early.yaml');
    await waitFor('new flows refused', async () => (await lab.connect(25621)) === 'refused', { timeoutMs: 3000, intervalMs: 50 });
    assert.ok((await chainsOf('early')) > 0, 'still draining');
    // The client ends its connection by itself (FIN both ways): no live flow is left.
    const ended = await waitFor('the session ended by the client', () => tcp.find((line) => line.closed), { timeoutMs: 5000 });
    assert.equal(ended.error, null);
    await waitFor('the chains gone', async () => (await chainsOf('early')) === 0, { timeoutMs: 5000, intervalMs: 50 });
    t.diagnostic(`the drain ended ${Date.now() - ended.at} ms after the last flow (timeout 30 s)`);
    assert.ok(!supervisor.logs.some((l) => l['message'] === 'drain timeout reached, kernel-forwarded flows closed' && l['proxy'] === 'early'));
  });

  it('a target dropped from the file takes its UDP sessions along: they move to the other target', async (t) => {
    const udp = lab.session(t, 'session', 25622);
    const first = await waitFor('the session\'s first reply', () => replies(udp)[0]);
    const [goneIp] = first.upstream!.split(':');
    const keptIp = goneIp === a ? b : a;
    const writtenAt = Date.now();
    supervisor.writeProxy('m.yaml', movingYaml(keptIp!));
    const moved = await waitFor('a reply from the kept target', () => replies(udp).find((r) => r.at > writtenAt && r.upstream!.startsWith(`${keptIp}:`)), { timeoutMs: 5000 });
    t.diagnostic(`the session moved ${moved.at - writtenAt} ms after the file was written`);
    const log = await waitFor('the move logged', () => supervisor.logs.find((l) => l['message'] === 'udp sessions moved off an upstream' && l['proxy'] === 'm'));
    assert.equal(log['upstream'], `${goneIp}:35565`);
    const settled = Date.now();
    await waitFor('more replies', () => replies(udp).filter((r) => r.at > settled).length >= 5);
    assert.deepEqual(replies(udp).filter((r) => r.at > settled).map((r) => r.upstream).filter((u) => !u!.startsWith(`${keptIp}:`)), []);
  });
});
