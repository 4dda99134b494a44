// An ACL of 10,000 rules makes its proxy file about 400 KB, and every edit through the API parses,
// edits, prints and checks the whole file: seconds of work for a one-rule change. That work runs on
// the config-check thread, so the supervisor keeps answering and supervising meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { describePoll, startHealthPoller } from '../helpers/health-poller.js';
import { sendRaw } from '../helpers/hostile-input.js';

const RULES = 10_000;

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

test(`edits of a proxy file with a ${RULES.toLocaleString('en')}-rule ACL leave /api/health answering within 100 ms`, async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const yaml = `# kept by every edit\n${proxyYaml({ name: 'a', originPorts: [await freePort()], destPorts: [backend.port] })}`;
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': yaml }, waitForRunning: ['a'] });
  t.after(() => sup.stop());
  const rules = Array.from({ length: RULES }, (_, i) => ({ action: 'deny', cidr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32` }));
  const replaced = await sendRaw(sup.apiPort, 'PUT', '/api/acl/proxy/a/rules', json({ rules }), 'application/json');
  assert.equal(replaced.status, 200, replaced.text.slice(0, 300));

  const poller = startHealthPoller(sup.apiPort, t, { pid: sup.pid });
  await poller.ready;
  const timings: string[] = [];
  const send = async (method: string, path: string, body: unknown = {}): Promise<{ status: number; body: any }> => {
    const reply = await sendRaw(sup.apiPort, method, path, json(body), 'application/json');
    timings.push(`${method} ${path.replace('/api/', '')} ${Math.round(reply.ms)} ms`);
    return { status: reply.status, body: JSON.parse(reply.text) };
  };
  const added = await send('POST', '/api/acl/proxy/a/rules', { action: 'allow', cidr: '10.0.0.7', position: 0 });
  assert.equal(added.status, 200, JSON.stringify(added.body).slice(0, 300));
  assert.deepEqual([added.body.acl.rules.length, added.body.workers.updated], [RULES + 1, ['a']]);
  const pastTheEnd = await send('POST', '/api/acl/proxy/a/rules', { action: 'deny', cidr: '10.9.9.9', position: RULES + 2 });
  assert.equal(pastTheEnd.status, 400);
  assert.match(pastTheEnd.body.error.message, new RegExp(`position: must be 0-${RULES + 1}: the ACL has ${RULES + 1} rules`));
  const removed = await send('DELETE', '/api/acl/proxy/a/rules?cidr=10.0.0.9');
  assert.deepEqual([removed.status, removed.body.removed], [200, 1]);
  const settings = await send('PATCH', '/api/acl/proxy/a', { default_action: 'deny' });
  assert.deepEqual([settings.status, settings.body.acl.default_action], [200, 'deny']);
  const config = await send('GET', '/api/proxies/a/config');
  assert.equal(config.body.config.acl.rules.length, RULES);
  // The whole config replaced (JSON, comments kept): in place, no new worker.
  const replacedConfig = await send('PUT', '/api/proxies/a', { ...config.body.config, description: 'replaced' });
  assert.equal(replacedConfig.status, 200, JSON.stringify(replacedConfig.body).slice(0, 300));
  const health = await poller.stop();

  t.diagnostic(`${timings.join(', ')}; /api/health over ${health.answered} polls: slowest answer ${describePoll(health.slowest)}, the supervisor's largest share ${describePoll(health.slowestOwn)}, its most CPU ${describePoll(health.busiest)}`);
  assert.ok(health.answered >= 20 && health.failed === 0, JSON.stringify(health));
  // The supervisor's part, not the machine's: while an answer was pending, the supervisor's main
  // thread ran (its event loop busy with other work) for less than 100 ms, and the answer took less
  // than 250 ms beyond the time the supervisor and the poller sat waiting for a CPU (which other
  // processes on a shared machine cost; on a quiet one the answer's time is all the supervisor's).
  assert.ok(health.busiest.supervisorRanMs < 100, `/api/health waited on ${describePoll(health.busiest)}`);
  assert.ok(health.slowestOwnMs < 250, `/api/health took up to ${describePoll(health.slowestOwn)}`);
  const text = readFileSync(`${sup.proxiesDir}/a.yaml`, 'utf8');
  assert.ok(text.startsWith('# kept by every edit\n') && text.includes('description: replaced'), text.slice(0, 300));
  assert.equal(text.match(/- action: "deny"/g)?.length, RULES - 1);
  const proxy = await sup.proxy('a');
  assert.deepEqual([proxy.state, proxy.description], ['running', 'replaced']);
});
