import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { tcpOutcome } from '../helpers/client-probes.js';
import { waitFor } from '../helpers/wait-for.js';

const ACL_COMMENT = '# operator: keep the monitoring host allowed';

async function oneProxy(t: { after: (fn: () => unknown) => void }, aclYaml = `acl:\n  ${ACL_COMMENT}\n  rules: []\n`) {
  const backend = await startTcpBackend({ greeting: 'hi\n' });
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    globalExtra: '# operator note: global settings\nacl:\n  enabled: false   # turned on through the API\n',
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra: aclYaml }) },
    waitForRunning: ['p'],
  });
  return { sup, port, file: path.join(sup.proxiesDir, 'p.yaml') };
}

test('a deny rule added through the API blocks 127.0.0.2 within 1 s, 127.0.0.1 still passes, the file keeps its comments, a restart keeps the rule', async (t) => {
  const { sup, port, file } = await oneProxy(t);
  let current = sup;
  t.after(() => current.stop());
  assert.equal(await tcpOutcome(port, '127.0.0.2'), 'served');

  const started = Date.now();
  const added = await sup.api('POST', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.2', comment: 'flooding' } });
  assert.equal(added.status, 200, added.text);
  assert.equal(await tcpOutcome(port, '127.0.0.2'), 'refused');
  const elapsedMs = Date.now() - started;
  assert.ok(elapsedMs < 1000, `blocked after ${elapsedMs} ms`);
  assert.equal(await tcpOutcome(port, '127.0.0.1'), 'served');

  assert.equal(added.body.status, 'added');
  assert.deepEqual(added.body.workers, { updated: ['p'], not_running: [], stale: [] });
  assert.deepEqual(added.body.acl.rules, [{ action: 'deny', cidr: '127.0.0.2', comment: 'flooding', hits: 0 }]);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^# test proxy p$/m, 'the file\'s first comment is still there');
  assert.ok(text.includes(ACL_COMMENT), 'the comment inside the acl block is still there');
  assert.match(text, /- action: "deny"\n\s+cidr: "127\.0\.0\.2"\n\s+comment: "flooding"/);

  const counted = await waitFor('the hit to be counted', async () => {
    const view = (await sup.api('GET', '/api/acl/proxy/p', { key: ADMIN_KEY })).body;
    return view.rules[0].hits >= 1 && view.stats.denied >= 1 ? view : undefined;
  });
  assert.equal(counted.name, 'p');
  assert.ok(counted.stats.allowed >= 1, 'the allowed client is counted too');

  current = await sup.restart({ waitForRunning: ['p'] });
  assert.equal(await tcpOutcome(port, '127.0.0.2'), 'refused', 'the rule survives a restart');
  assert.equal(await tcpOutcome(port, '127.0.0.1'), 'served');
  const view = (await current.api('GET', '/api/acl/proxy/p', { key: ADMIN_KEY })).body;
  assert.deepEqual(view.rules.map((r: any) => r.cidr), ['127.0.0.2']);
});

test('the global ACL is enabled and given a rule through the API; global.yaml keeps its comments and the rule survives a restart', async (t) => {
  const { sup, port } = await oneProxy(t);
  let current = sup;
  t.after(() => current.stop());
  const rule = await sup.api('POST', '/api/acl/global/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.3/32' } });
  assert.equal(rule.status, 200, rule.text);
  assert.match(rule.body.warning, /disabled/, 'rules added to a disabled ACL come with a warning');
  assert.equal(await tcpOutcome(port, '127.0.0.3'), 'served', 'a disabled ACL does not apply');

  const enabled = await sup.api('PATCH', '/api/acl/global', { key: ADMIN_KEY, body: { enabled: true } });
  assert.equal(enabled.status, 200, enabled.text);
  assert.equal(enabled.body.acl.enabled, true);
  assert.equal(enabled.body.warning, undefined);
  assert.deepEqual(enabled.body.workers.updated, ['p']);
  assert.equal(await tcpOutcome(port, '127.0.0.3'), 'refused');
  assert.equal(await tcpOutcome(port, '127.0.0.1'), 'served');

  const text = readFileSync(sup.globalFile, 'utf8');
  assert.ok(text.includes('# operator note: global settings'));
  assert.match(text, /enabled: true +# turned on through the API/);
  assert.match(text, /cidr: "127\.0\.0\.3\/32"/);

  current = await sup.restart({ waitForRunning: ['p'] });
  assert.equal(await tcpOutcome(port, '127.0.0.3'), 'refused');
  const view = (await current.api('GET', '/api/acl/global', { key: ADMIN_KEY })).body;
  assert.equal(view.enabled, true);
  assert.equal(view.name, undefined);
  assert.deepEqual(view.rules.map((r: any) => r.cidr), ['127.0.0.3/32']);
});

test('DELETE removes a rule by any spelling of its cidr; PUT replaces the list; PATCH switches to whitelist mode', async (t) => {
  const { sup, port, file } = await oneProxy(t);
  t.after(() => sup.stop());
  await sup.api('POST', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.2' } });
  assert.equal(await tcpOutcome(port, '127.0.0.2'), 'refused');

  const none = await sup.api('DELETE', '/api/acl/proxy/p/rules?cidr=10.0.0.0/8', { key: ADMIN_KEY });
  assert.equal(none.body.removed, 0);
  const removed = await sup.api('DELETE', '/api/acl/proxy/p/rules?cidr=127.0.0.2/32', { key: ADMIN_KEY });
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.body.removed, 1, 'a bare IP and its /32 are the same rule');
  assert.equal(await tcpOutcome(port, '127.0.0.2'), 'served');
  assert.equal(readFileSync(file, 'utf8').includes('127.0.0.2'), false);

  const replaced = await sup.api('PUT', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, body: [{ action: 'allow', cidr: '127.0.0.1' }, { action: 'deny', cidr: '127.0.0.0/8' }] });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.count, 2);
  assert.equal(await tcpOutcome(port, '127.0.0.4'), 'refused');
  assert.equal(await tcpOutcome(port, '127.0.0.1'), 'served');

  const emptied = await sup.api('PUT', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, body: { rules: [{ action: 'allow', cidr: '127.0.0.1', comment: 'only me' }] } });
  assert.equal(emptied.body.count, 1);
  assert.equal(await tcpOutcome(port, '127.0.0.4'), 'served', 'blacklist mode: an unmatched client passes');
  const whitelist = await sup.api('PATCH', '/api/acl/proxy/p', { key: ADMIN_KEY, body: { default_action: 'deny' } });
  assert.equal(whitelist.status, 200, whitelist.text);
  assert.equal(whitelist.body.acl.default_action, 'deny');
  assert.equal(await tcpOutcome(port, '127.0.0.4'), 'refused', 'whitelist mode: an unmatched client is refused');
  assert.equal(await tcpOutcome(port, '127.0.0.1'), 'served');
  assert.match(readFileSync(file, 'utf8'), /default_action: "deny"/);

  const first = await sup.api('POST', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, body: { action: 'allow', cidr: '127.0.0.4', position: 0 } });
  assert.deepEqual(first.body.acl.rules.map((r: any) => r.cidr), ['127.0.0.4', '127.0.0.1']);
  assert.equal(await tcpOutcome(port, '127.0.0.4'), 'served');
  const shadowed = await sup.api('POST', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '127.0.0.4/32' } });
  assert.match(shadowed.body.warning, /rule 2 never decides anything: rule 0/);
});

test('invalid actions and CIDRs are refused with 400 naming the field, and change neither the files nor the traffic', async (t) => {
  const { sup, port, file } = await oneProxy(t);
  t.after(() => sup.stop());
  const proxyBefore = readFileSync(file, 'utf8');
  const globalBefore = readFileSync(sup.globalFile, 'utf8');
  const viewBefore = (await sup.api('GET', '/api/acl/proxy/p', { key: ADMIN_KEY })).body;
  const cases: [string, string, unknown, string][] = [
    ['POST', 'rules', { action: 'DENY', cidr: '127.0.0.1' }, 'action'],
    ['POST', 'rules', { action: 'block', cidr: '127.0.0.1' }, 'action'],
    ['POST', 'rules', { action: 'deny', cidr: '1.2.3.4/33' }, 'cidr'],
    ['POST', 'rules', { action: 'deny', cidr: '::1/129' }, 'cidr'],
    ['POST', 'rules', { action: 'deny', cidr: 'localhost' }, 'cidr'],
    ['POST', 'rules', { action: 'deny', cidr: 127 }, 'cidr'],
    ['POST', 'rules', { action: 'deny' }, 'cidr'],
    ['POST', 'rules', { action: 'deny', cidr: '127.0.0.1', reason: 'x' }, 'reason'],
    ['POST', 'rules', { action: 'deny', cidr: '127.0.0.1', position: 5 }, 'position'],
    ['PUT', 'rules', [{ action: 'deny', cidr: '127.0.0.1' }, { action: 'DENY', cidr: '127.0.0.2' }], 'rules[1].action'],
    ['PUT', 'rules', [{ action: 'deny', cidr: '1.2.3.4/33' }], 'rules[0].cidr'],
    ['PATCH', '', { default_action: 'DENY' }, 'default_action'],
    ['PATCH', '', { enabled: 'yes' }, 'enabled'],
    ['PATCH', '', {}, ''],
  ];
  for (const scope of ['/api/acl/proxy/p', '/api/acl/global']) {
    for (const [method, suffix, body, field] of cases) {
      const response = await sup.api(method, suffix === '' ? scope : `${scope}/${suffix}`, { key: ADMIN_KEY, body });
      const what = `${method} ${scope} ${JSON.stringify(body)}`;
      assert.equal(response.status, 400, `${what}: ${response.text}`);
      assert.equal(response.body.error.code, 'ERR_ACL_INVALID', what);
      assert.ok(response.body.error.details.errors.some((e: any) => e.path === field), `${what} names ${field}: ${response.text}`);
    }
    for (const query of ['?cidr=1.2.3.4/33', '?cidr=::1/129', '']) {
      const response = await sup.api('DELETE', `${scope}/rules${query}`, { key: ADMIN_KEY });
      assert.equal(response.status, 400, `DELETE ${query}: ${response.text}`);
    }
  }
  const notJson = await sup.api('POST', '/api/acl/proxy/p/rules', { key: ADMIN_KEY, rawBody: 'action: deny', contentType: 'text/plain' });
  assert.equal(notJson.status, 400);
  assert.equal((await sup.api('GET', '/api/acl/proxy/nope', { key: ADMIN_KEY })).status, 404);
  assert.equal((await sup.api('POST', '/api/acl/proxy/nope/rules', { key: ADMIN_KEY, body: { action: 'deny', cidr: '1.1.1.1' } })).status, 404);

  assert.equal(readFileSync(file, 'utf8'), proxyBefore, 'the proxy file is byte for byte the same');
  assert.equal(readFileSync(sup.globalFile, 'utf8'), globalBefore, 'global.yaml is byte for byte the same');
  assert.deepEqual((await sup.api('GET', '/api/acl/proxy/p', { key: ADMIN_KEY })).body.rules, viewBefore.rules);
  assert.equal(await tcpOutcome(port, '127.0.0.1'), 'served');
  assert.equal(sup.logs.some((l) => l.message === 'acl changed'), false);
});

test('the ACL routes need the admin scope', async (t) => {
  const { sup } = await oneProxy(t);
  t.after(() => sup.stop());
  const { READ_KEY } = await import('../helpers/supervisor-process.js');
  assert.equal((await sup.api('GET', '/api/acl/global', { key: READ_KEY })).status, 403);
  assert.equal((await sup.api('POST', '/api/acl/proxy/p/rules', { key: READ_KEY, body: { action: 'deny', cidr: '1.1.1.1' } })).status, 403);
  assert.equal((await sup.api('GET', '/api/acl/global')).status, 401);
});
