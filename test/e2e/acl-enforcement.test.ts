import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { tcpOutcome, UdpProbe } from '../helpers/client-probes.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

type After = { after: (fn: () => unknown) => void };

function aclBlock(defaultAction: 'allow' | 'deny', rules: [string, string][], indent = ''): string {
  const list = rules.map(([action, cidr]) => `${indent}    - action: "${action}"\n${indent}      cidr: "${cidr}"`).join('\n');
  return `${indent}acl:\n${indent}  enabled: true\n${indent}  default_action: "${defaultAction}"\n${indent}  rules:${rules.length === 0 ? ' []' : `\n${list}`}\n`;
}

/** A TCP proxy `t` and a UDP proxy `u`, each with `proxyAcl`, under a global ACL `globalAcl`. */
async function tcpAndUdp(t: After, proxyAcl: string, globalAcl = '') {
  const tcpBackend = await startTcpBackend({ greeting: 'hi\n' });
  const udpBackend = await startUdpBackend({ tag: 'echo:' });
  t.after(() => Promise.all([tcpBackend.close(), udpBackend.close()]));
  const [tcpPort, udpPort] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    globalExtra: globalAcl,
    proxies: {
      't.yaml': proxyYaml({ name: 't', originPorts: [tcpPort], destPorts: [tcpBackend.port], extra: proxyAcl }),
      'u.yaml': proxyYaml({ name: 'u', originPorts: [udpPort], destPorts: [udpBackend.port], protocol: 'udp', extra: proxyAcl }),
    },
    waitForRunning: ['t', 'u'],
  });
  t.after(() => sup.stop());
  return { sup, tcpPort, udpPort };
}

/** UDP from `localAddress`: 'served' once a reply arrives, 'refused' once the proxy counted a denial. */
async function udpOutcome(sup: SupervisorProcess, port: number, localAddress: string): Promise<'served' | 'refused'> {
  const deniedBefore = (await sup.proxy('u')).denied_by_acl_total as number;
  const probe = await UdpProbe.bind(localAddress);
  try {
    return await waitFor(`a reply or a denial for ${localAddress}`, async () => {
      if (probe.replies.length > 0) return 'served' as const;
      if ((await sup.proxy('u')).denied_by_acl_total > deniedBefore) return probe.replies.length > 0 ? ('served' as const) : ('refused' as const);
      probe.send(port, `from ${localAddress}`);
      return undefined;
    }, { timeoutMs: 5000, intervalMs: 100 });
  } finally {
    probe.close();
  }
}

test('whitelist mode per proxy: only the allowed client passes, over TCP and UDP', async (t) => {
  const { sup, tcpPort, udpPort } = await tcpAndUdp(t, aclBlock('deny', [['allow', '127.0.0.1']]));
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.1'), 'served');
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.2'), 'refused');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.1'), 'served');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.2'), 'refused');
});

test('blacklist mode per proxy: only the denied client is refused, over TCP and UDP', async (t) => {
  const { sup, tcpPort, udpPort } = await tcpAndUdp(t, aclBlock('allow', [['deny', '127.0.0.2/32']]));
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.1'), 'served');
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.3'), 'served');
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.2'), 'refused');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.3'), 'served');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.2'), 'refused');
});

test('a global deny wins over a proxy allow, over TCP and UDP; the global blacklist spares other clients', async (t) => {
  const { sup, tcpPort, udpPort } = await tcpAndUdp(t, aclBlock('deny', [['allow', '127.0.0.0/8']]), aclBlock('allow', [['deny', '127.0.0.3']]));
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.3'), 'refused');
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.2'), 'served');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.3'), 'refused');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.2'), 'served');
  const global = await waitFor('the global denials to be counted', async () => {
    const view = (await sup.api('GET', '/api/acl/global', { key: ADMIN_KEY })).body;
    return view.stats.denied >= 2 ? view : undefined;
  });
  assert.ok(global.rules[0].hits >= 2, 'both proxies count hits on the global rule');
});

test('global whitelist mode applies to proxies without an ACL of their own, over TCP and UDP', async (t) => {
  const { sup, tcpPort, udpPort } = await tcpAndUdp(t, '', aclBlock('deny', [['allow', '127.0.0.1']]));
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.1'), 'served');
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.2'), 'refused');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.1'), 'served');
  assert.equal(await udpOutcome(sup, udpPort, '127.0.0.2'), 'refused');
});

test('a new deny rule closes live TCP connections and UDP sessions of that client; an allowed client\'s survive', async (t) => {
  const { sup, tcpPort, udpPort } = await tcpAndUdp(t, aclBlock('allow', []));
  const denied = await TcpClient.connect(tcpPort, { localAddress: '127.0.0.2' });
  const allowed = await TcpClient.connect(tcpPort, { localAddress: '127.0.0.1' });
  t.after(() => [denied, allowed].forEach((c) => c.destroy()));
  await Promise.all([denied.waitForText('hi\n'), allowed.waitForText('hi\n')]);
  const udpDenied = await UdpProbe.bind('127.0.0.2');
  const udpAllowed = await UdpProbe.bind('127.0.0.1');
  t.after(() => [udpDenied, udpAllowed].forEach((p) => p.close()));
  udpDenied.send(udpPort, 'a');
  udpAllowed.send(udpPort, 'b');
  await waitFor('both UDP replies', () => udpDenied.replies.length > 0 && udpAllowed.replies.length > 0);

  for (const proxy of ['t', 'u']) {
    const response = await sup.api('POST', `/api/acl/proxy/${proxy}/rules`, { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.2' } });
    assert.equal(response.status, 200, response.text);
  }
  await denied.waitClosed(2000);
  const sessions = async () => ((await sup.api('GET', '/api/proxies/u/connections', { key: ADMIN_KEY })).body as any[]).map((c) => c.src_ip);
  assert.deepEqual(await sessions(), ['127.0.0.1'], 'the denied client\'s UDP session is gone, the other one stays');
  allowed.write('still here');
  await allowed.waitForText('still here');
  assert.equal(allowed.closed, false);
  assert.ok(sup.logs.some((l) => l.message === 'connections closed by acl change'));
});

test('with close_existing_on_deny: false a new deny rule only refuses new connections', async (t) => {
  const { sup, tcpPort } = await tcpAndUdp(t, aclBlock('allow', []).replace('  enabled: true\n', '  enabled: true\n  close_existing_on_deny: false\n'));
  const open = await TcpClient.connect(tcpPort, { localAddress: '127.0.0.2' });
  t.after(() => open.destroy());
  await open.waitForText('hi\n');
  const response = await sup.api('POST', '/api/acl/proxy/t/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.2' } });
  assert.equal(response.body.acl.close_existing_on_deny, false);
  assert.equal(await tcpOutcome(tcpPort, '127.0.0.2'), 'refused');
  open.write('ping');
  await open.waitForText('ping');
  assert.equal(open.closed, false);
});
