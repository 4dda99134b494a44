// Connection cycling on live TCP connections and UDP sessions (refused, banned for ban_duration,
// its live sessions closed), custom inspection rules on live connections (first match decides,
// a drop names its rule, no match allows), their config errors in a running supervisor, and the
// event log's filters and the L7 API's 400/404 answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, startUdpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const CYCLING = (max: number) => `
l7_protection:
  enabled: true
  connection_cycling:
    enabled: true
    window: 10s
    max_conns_in_window: ${max}
    ban_duration: 45s
`;

const RULES = `
l7_protection:
  enabled: true
  payload_inspection:
    enabled: true
    mode: "custom"
    custom_rules:
      - name: "bad-magic"
        match_offset: 2
        match_bytes: "0xDE,0xAD"
        action: "drop"
      - name: "game-hello"
        match_offset: 0
        match_bytes: "0x0F,0x10"
        action: "allow"
      - name: "http"
        match_offset: 0
        match_bytes: "0x47,0x45,0x54"
        action: "drop"
`;

async function echoes(port: number, localAddress: string, payload: Buffer | string): Promise<TcpClient> {
  const client = await TcpClient.connect(port, { localAddress });
  client.write(payload);
  await client.waitForBytes(Buffer.byteLength(payload));
  return client;
}

test('cycling, custom rules and the event log on live traffic', async (t) => {
  const tcp = await startTcpBackend();
  const udp = await startUdpBackend();
  t.after(() => tcp.close());
  t.after(() => udp.close());
  const [cyc, ucyc, rules] = [await freePort(), await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: {
      'cyc.yaml': proxyYaml({ name: 'cyc', originPorts: [cyc], destPorts: [tcp.port], extra: CYCLING(5) }),
      'ucyc.yaml': proxyYaml({ name: 'ucyc', originPorts: [ucyc], destPorts: [udp.port], protocol: 'udp', extra: CYCLING(3) }),
      'rules.yaml': proxyYaml({ name: 'rules', originPorts: [rules], destPorts: [tcp.port], extra: RULES }),
    },
    waitForRunning: ['cyc', 'ucyc', 'rules'],
  });
  t.after(() => sup.stop());
  const api = async (path: string) => (await sup.api('GET', path, { key: ADMIN_KEY })).body;

  await t.test('TCP: the connection past max_conns_in_window is refused and the IP banned for ban_duration', async () => {
    const open: TcpClient[] = [];
    for (let i = 0; i < 5; i++) open.push(await echoes(cyc, '127.0.0.41', `hello ${i}`));
    for (const c of open) t.after(() => c.destroy());
    const servedBefore = tcp.served;
    const sixth = await TcpClient.connect(cyc, { localAddress: '127.0.0.41' });
    t.after(() => sixth.destroy());
    sixth.write('one too many');
    await sixth.waitClosed(2000);
    assert.equal(sixth.received.length, 0);
    // The ban closes the IP's live connections too.
    await Promise.all(open.map((c) => c.waitClosed(1000)));
    assert.equal(tcp.served, servedBefore, 'the refused connection never reached the backend');
    const [ban] = (await api('/api/l7/banned')) as any[];
    assert.equal(ban.ip, '127.0.0.41');
    assert.equal(ban.source, 'cyc');
    assert.match(ban.reason, /^connection cycling: more than 5 connections within 10000 ms$/);
    assert.equal(Date.parse(ban.expires_at) - Date.parse(ban.created_at), 45_000, 'ban_duration');
    const bystander = await echoes(cyc, '127.0.0.42', 'still welcome');
    t.after(() => bystander.destroy());
  });

  await t.test('UDP: new sessions count as connections; over the limit the datagram is dropped and the IP\'s sessions end', async () => {
    const clients: UdpClient[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await UdpClient.bind('127.0.0.43');
      t.after(() => client.close());
      clients.push(client);
    }
    for (const client of clients.slice(0, 3)) {
      client.send(ucyc, 'ping');
      await waitFor('an echo', () => client.replies.length === 1);
    }
    clients[3]!.send(ucyc, 'ping');
    const bans = await waitFor('the ban', async () => {
      const list = (await api('/api/l7/banned')) as any[];
      return list.some((b) => b.ip === '127.0.0.43') ? list : undefined;
    });
    assert.equal(bans.find((b: any) => b.ip === '127.0.0.43').source, 'ucyc');
    await waitFor('the IP\'s sessions to end', async () => ((await api('/api/proxies/ucyc/connections')) as any[]).length === 0, { timeoutMs: 1000 });
    assert.equal(clients[3]!.replies.length, 0);
    const view = await waitFor('the counters', async () => {
      const body = await api('/api/proxies/ucyc/l7');
      return body.blocked.connection_cycling === 1 && body.blocked.banned === 3 ? body : undefined;
    });
    assert.equal(view.events.connection_cycling, 1);
  });

  await t.test('custom rules: the first matching rule decides, a drop names its rule, no match allows', async () => {
    const allowed = await echoes(rules, '127.0.0.44', Buffer.from([0x0f, 0x10, 0x00, 0x01, 0x02]));
    t.after(() => allowed.destroy());
    const unmatched = await echoes(rules, '127.0.0.44', 'hello, no rule matches me');
    t.after(() => unmatched.destroy());
    const servedBefore = tcp.served;
    // Both drop rules: one at offset 2 (before the allow rule, so it wins over "0F 10"), one at 0.
    for (const junk of [Buffer.from([0x0f, 0x10, 0xde, 0xad]), Buffer.from('GET / HTTP/1.1\r\n\r\n')]) {
      const client = await TcpClient.connect(rules, { localAddress: '127.0.0.44' });
      t.after(() => client.destroy());
      client.write(junk);
      await client.waitClosed(2000);
      assert.equal(client.received.length, 0);
    }
    assert.equal(tcp.served, servedBefore);
    const events = await waitFor('the rule events', async () => {
      const list = (await api('/api/l7/events?proxy=rules')) as any[];
      return list.length === 2 ? list : undefined;
    });
    assert.deepEqual(events.map((e) => [e.event_type, e.reason, e.action]), [
      ['invalid_protocol', 'dropped by custom rule "http"', 'rejected'],
      ['invalid_protocol', 'dropped by custom rule "bad-magic"', 'rejected'],
    ]);
  });

  await t.test('the event log: newest first across proxies, limit, proxy and ip filters; 400 and 404', async () => {
    // Each worker sends its events with its once-a-second report.
    const all = await waitFor('the four events', async () => {
      const list = (await api('/api/l7/events')) as any[];
      return list.length === 4 ? list : undefined;
    });
    // Newest first by event time across proxies, whatever order the workers' reports arrived in.
    assert.deepEqual(all.map((e) => e.proxy), ['rules', 'rules', 'ucyc', 'cyc']);
    assert.ok(all.every((e, i) => i === 0 || Date.parse(all[i - 1].time) >= Date.parse(e.time)), 'times descend');
    assert.equal(new Set(all.map((e) => e.id)).size, 4, 'ids are unique');
    assert.deepEqual(((await api('/api/l7/events?limit=1')) as any[]).map((e) => e.id), [all[0].id]);
    assert.deepEqual(((await api('/api/l7/events?proxy=cyc')) as any[]).map((e) => [e.ip, e.event_type]), [['127.0.0.41', 'connection_cycling']]);
    assert.deepEqual(((await api('/api/l7/events?ip=127.0.0.43')) as any[]).map((e) => e.proxy), ['ucyc']);
    assert.deepEqual(await api('/api/l7/events?proxy=cyc&ip=127.0.0.43'), []);
    assert.deepEqual(await api('/api/l7/events?proxy=nope'), []);
    for (const bad of ['limit=0', 'limit=10001', 'limit=ten', 'ip=10.0.0.0%2F8', 'ip=nonsense']) {
      const response = await sup.api('GET', `/api/l7/events?${bad}`, { key: ADMIN_KEY });
      assert.equal(response.status, 400, bad);
      assert.equal(response.body.error.code, 'ERR_QUERY_INVALID', bad);
    }
    const missing = await sup.api('GET', '/api/proxies/nope/l7', { key: ADMIN_KEY });
    assert.equal(missing.status, 404);
    assert.equal((await sup.api('DELETE', '/api/l7/banned/192.0.2.200', { key: ADMIN_KEY })).body.error.code, 'ERR_BAN_NOT_FOUND');
    assert.equal((await sup.api('DELETE', '/api/l7/banned/not-an-ip', { key: ADMIN_KEY })).status, 400);
  });

  await t.test('the L7 answers, filled, match their OpenAPI schemas', async () => {
    const doc = (await sup.api('GET', '/api/openapi.json')).body;
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)));
    for (const [path, url] of [['/api/l7/events', '/api/l7/events'], ['/api/l7/banned', '/api/l7/banned'], ['/api/proxies/{name}/l7', '/api/proxies/ucyc/l7']] as const) {
      const body = await api(url);
      assert.ok(Array.isArray(body) ? body.length > 0 : Object.keys(body.blocked).length > 0, `${url} has data`);
      const validate = ajv.compile(doc.paths[path].get.responses['200'].content['application/json'].schema);
      assert.ok(validate(body), `${url}: ${ajv.errorsText(validate.errors)}`);
    }
  });

  await t.test('bad custom rules are config errors naming the field; the running proxy keeps its rules', async () => {
    const bad = RULES.replace('match_offset: 2', 'match_offset: -2').replace('"0x0F,0x10"', '"0x0F,0xG1"');
    sup.writeProxy('rules.yaml', proxyYaml({ name: 'rules', originPorts: [rules], destPorts: [tcp.port], extra: bad }));
    const proxy = await sup.waitForProxy('rules', 'its config errors', (p) => p.config_errors.length > 0);
    const problems = (proxy.config_errors as { path: string; message: string }[]).map((e) => `${e.path}: ${e.message}`);
    assert.ok(problems.some((p) => /custom_rules\[0\]\.match_offset: .*0 or more/.test(p)), problems.join('; '));
    assert.ok(problems.some((p) => /custom_rules\[1\]\.match_bytes: .*"0xG1"/.test(p)), problems.join('; '));
    assert.equal(proxy.state, 'running');
    const junk = await TcpClient.connect(rules, { localAddress: '127.0.0.45' });
    t.after(() => junk.destroy());
    junk.write(Buffer.from([0x0f, 0x10, 0xde, 0xad]));
    await junk.waitClosed(2000);
  });
});
