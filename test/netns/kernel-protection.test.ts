// data_path: kernel and RouteX's defences: the ACL and the ban list drop a client in the kernel
// (their set elements count it), an unban lets it back; the kernel's byte counters feed the API
// and the bandwidth quota, whose suspension refuses new flows while live ones go on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kernelLabUnavailable, KernelLab, kernelProxyYaml, repliesOf, waitForStats } from '../helpers/kernel-lab.js';
import { ADMIN_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = kernelLabUnavailable();
const QUOTA = 300_000;

describe('kernel forwarding: ACL, bans and bandwidth in the kernel', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: KernelLab;
  let supervisor: SupervisorProcess;
  let clientIp: string;
  const liveYaml = (acl: string) => kernelProxyYaml('live', { 'origin-ip': lab.proxyIp, 'origin-port': 25593, 'dest-ip': lab.backendIps[0], 'dest-port': 35565, protocol: 'udp' }, `connection_draining:\n  timeout: 1s\n${acl}`);

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await KernelLab.create();
    clientIp = lab.lab.ip('cli', 'prx');
    const [a] = lab.backendIps;
    await lab.startBackend(a, [35565]);
    const common = { 'origin-ip': lab.proxyIp, 'dest-ip': a, 'dest-port': 35565, protocol: 'tcp' };
    const drain = 'connection_draining:\n  timeout: 1s\n';
    supervisor = await lab.startSupervisor(
      {
        'acl.yaml': kernelProxyYaml('acl', { ...common, 'origin-port': 25590 }, `${drain}acl:\n  enabled: true\n  default_action: allow\n  rules:\n    - action: deny\n      cidr: "${clientIp}/32"\n`),
        'open.yaml': kernelProxyYaml('open', { ...common, 'origin-port': 25591 }, drain),
        'quota.yaml': kernelProxyYaml('quota', { ...common, 'origin-port': 25592 }, `${drain}bandwidth:\n  enabled: true\n  hourly_limit: ${QUOTA}\n  suspend_on_limit: true\n`),
        'live.yaml': liveYaml(''),
      },
      ['acl', 'open', 'quota', 'live'],
    );
  });

  after(async () => {
    await supervisor?.stop();
    await lab?.destroy();
  });

  it('an ACL deny drops the client in the kernel: the deny element counts it, the API too', async (t) => {
    assert.equal(await lab.connect(25590), 'timeout');
    const id = await lab.proxyId('acl');
    const elements = await lab.elements('map', `p${id}_acl_proxy`);
    const deny = elements.find((e) => e.key === clientIp);
    assert.ok(deny !== undefined && deny.packets > 0, JSON.stringify(elements));
    t.diagnostic(`ACL deny element counted ${deny.packets} packets`);
    const stats = await waitForStats(supervisor, 'acl', 'denied_by_acl_total counted', (s) => s.denied_by_acl_total > 0);
    assert.equal(stats.total_connections, 0);
    assert.equal(await lab.connect(25591), 'connected', 'the same client reaches a proxy whose ACL allows it');
  });

  it('a ban drops the client in the kernel (the ban set counts it) and resets its live connection, the unban lets it back', async (t) => {
    const lines = lab.session(t, 'tcp-session', 25591, 10_000);
    await waitFor('the live connection echoing', () => repliesOf(lines).length >= 3);
    const bannedAt = Date.now();
    assert.equal((await supervisor.api('POST', `/api/l7/banned/${clientIp}`, { key: ADMIN_KEY })).status, 200);
    await waitFor('the ban in the kernel', async () => (await lab.elements('set', 'bans4')).some((e) => e.key === clientIp), { timeoutMs: 3000 });
    const closed = await waitFor('the live connection reset', () => lines.find((l) => l.closed), { timeoutMs: 2000 });
    t.diagnostic(`the banned client's live connection was reset ${closed.at - bannedAt} ms after the ban`);
    assert.equal(closed.error, 'ECONNRESET');
    assert.equal(await lab.connect(25591), 'timeout');
    const banned = (await lab.elements('set', 'bans4')).find((e) => e.key === clientIp)!;
    t.diagnostic(`ban element counted ${banned.packets} packets`);
    assert.ok(banned.packets > 0);
    await waitForStats(supervisor, 'open', 'the ban counted as an L7 block', (s) => s.l7_blocked > 0);
    assert.equal((await supervisor.api('DELETE', `/api/l7/banned/${clientIp}`, { key: ADMIN_KEY })).status, 200);
    await waitFor('the unban in the kernel', async () => !(await lab.elements('set', 'bans4')).some((e) => e.key === clientIp), { timeoutMs: 3000 });
    assert.equal(await lab.connect(25591), 'connected');
  });

  it('a new ACL with close_existing_on_deny ends the live UDP session of the client it denies', async (t) => {
    const replies: number[] = [];
    const session = lab.spawnClient('session', { host: lab.proxyIp, port: 25593, everyMs: 50, forMs: 10_000 }, (line) => line.upstream !== undefined && replies.push(line.at));
    t.after(() => session.kill());
    await waitFor('the session flowing', () => replies.length >= 3);
    supervisor.writeProxy('live.yaml', liveYaml(`acl:\n  enabled: true\n  close_existing_on_deny: true\n  rules:\n    - action: deny\n      cidr: "${clientIp}/32"\n`));
    await waitFor('the reload', () => supervisor.logs.some((l) => l['message'] === 'connections closed by acl change' && l['proxy'] === 'live'), { timeoutMs: 5000 });
    const closedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(replies.filter((at) => at > closedAt + 100), [], 'no reply once the flow was deleted');
  });

  it('bytes are counted per direction as they flow, and the quota suspends new flows', async (t) => {
    const before = (await supervisor.api('GET', '/api/stats/proxy/quota', { key: ADMIN_KEY })).body;
    assert.equal(await lab.connect(25592), 'connected');
    for (let i = 0; i < 3; i++) assert.equal((await lab.client('echo-tcp', { host: lab.proxyIp, port: 25592, bytes: 65_536 })).ok, true);
    const stats = await waitForStats(supervisor, 'quota', 'bytes counted both ways', (s) => s.bytes_in >= 3 * 65_536 && s.bytes_out >= 3 * 65_536);
    t.diagnostic(`after 3 × 64 KiB echoed: bytes_in ${stats.bytes_in - before.bytes_in}, bytes_out ${stats.bytes_out - before.bytes_out}`);
    assert.ok(stats.bytes_in > before.bytes_in && stats.tcp_connections >= 4);
    await supervisor.waitForProxy('quota', 'suspended by its quota', (p) => p.suspended_reason !== null, 5000);
    assert.equal(await lab.connect(25592), 'refused', 'a new connection gets a reset at once');
    await waitForStats(supervisor, 'quota', 'the refusal counted', (s) => s.suspended_refused > 0);
    assert.equal(await lab.connect(25591), 'connected', 'another proxy is not suspended');
  });
});
