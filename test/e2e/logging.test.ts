// Logs as journald receives them (output: stdout): JSON, one object per line, at the right level,
// with the proxy's name on every line about a proxy; or human text lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { waitFor } from '../helpers/wait-for.js';

type Line = Record<string, unknown>;

function waitForLine(sup: SupervisorProcess, what: string, match: (line: Line) => boolean): Promise<Line> {
  return waitFor(what, () => sup.logs.find(match), { timeoutMs: 10_000 });
}

test('JSON logs: crash and restart, reload with what changed, rejected files, each at its level', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const yamlA = proxyYaml({ name: 'a', originPorts: [port], destPorts: [backend.port] });
  const sup = await SupervisorProcess.start({ proxies: { 'a.yaml': yamlA }, waitForRunning: ['a'] });
  t.after(() => sup.stop());

  const pid = (await sup.proxy('a')).pid as number;
  process.kill(pid, 'SIGKILL');
  const crashed = await waitForLine(sup, 'worker crashed', (l) => l['message'] === 'worker crashed');
  assert.deepEqual([crashed['level'], crashed['proxy'], crashed['pid'], crashed['signal']], ['error', 'a', pid, 'SIGKILL']);
  const scheduled = await waitForLine(sup, 'restart scheduled', (l) => l['message'] === 'worker restart scheduled');
  assert.equal(scheduled['level'], 'info');
  assert.equal(scheduled['proxy'], 'a');
  assert.equal(typeof scheduled['delayMs'], 'number');
  await sup.waitForProxy('a', 'running again', (p) => p.state === 'running' && p.pid !== pid);

  sup.writeProxy('a.yaml', `${yamlA}load_balancing:\n  algorithm: "random"\ntimeouts:\n  client_read: 10s\n`);
  const applied = await waitForLine(sup, 'proxy config applied', (l) => l['message'] === 'proxy config applied' && l['outcome'] !== 'started');
  assert.deepEqual([applied['level'], applied['proxy'], applied['outcome'], applied['changes']], ['info', 'a', 'reconfigured', ['load_balancing', 'timeouts']]);
  const reloaded = await waitForLine(sup, 'config reloaded', (l) => l['message'] === 'config reloaded');
  assert.equal(reloaded['level'], 'info');
  assert.equal(reloaded['reason'], 'file change');
  assert.deepEqual(reloaded['reconfigured'], ['a']);

  sup.writeProxy('broken.yaml', proxyYaml({ name: 'broken', originPorts: [port + 1], destPorts: [backend.port], extra: 'load_balancing:\n  algorithm: "fastest"\n' }));
  const rejected = await waitForLine(sup, 'config rejected', (l) => l['message'] === 'config rejected');
  assert.equal(rejected['level'], 'error');
  assert.equal(rejected['proxy'], 'broken');
  assert.match(String(rejected['file']), /broken\.yaml$/);
  assert.match(String(rejected['problem']), /load_balancing\.algorithm/);

  writeFileSync(sup.globalFile, 'api: [this is not a mapping\n');
  sup.signal('SIGHUP');
  const globalRejected = await waitForLine(sup, 'global config rejected', (l) => String(l['message']).startsWith('global config rejected'));
  assert.equal(globalRejected['level'], 'error');
  assert.equal((await sup.api('GET', '/api/health')).status, 200, 'a bad global.yaml on SIGHUP must not stop RouteX');

  const notJson = sup.logLines.filter((line) => {
    try {
      const parsed = JSON.parse(line) as unknown;
      return typeof parsed !== 'object' || parsed === null || Array.isArray(parsed);
    } catch {
      return true;
    }
  });
  assert.deepEqual(notJson, [], 'every stdout line must be one JSON object');
  for (const line of sup.logs) {
    assert.ok(['debug', 'info', 'warn', 'error'].includes(String(line['level'])), JSON.stringify(line));
    assert.equal(typeof line['message'], 'string', JSON.stringify(line));
    assert.ok(!Number.isNaN(Date.parse(String(line['timestamp']))), JSON.stringify(line));
  }
  const aboutA = sup.logs.filter((l) => ['proxy started', 'worker crashed', 'worker restart scheduled', 'proxy config applied'].includes(String(l['message'])));
  assert.ok(aboutA.length >= 4);
  assert.ok(aboutA.every((l) => l['proxy'] === 'a'), 'every line about proxy a names it');
});

test('text logs: one human line per record, level and [proxy] up front, fields as key=value', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const apiPort = await freePort();
  const sup = await SupervisorProcess.start({
    apiPort,
    globalYaml: `api:\n  enabled: true\n  bind: "127.0.0.1:{{API_PORT}}"\n  api_keys:\n    - key: "text-log-admin-key-0123"\n      label: "admin"\n      permissions: ["*"]\nlogging:\n  level: "info"\n  format: "text"\n  output: "stdout"\n`,
    proxies: { 'a.yaml': proxyYaml({ name: 'a', originPorts: [port], destPorts: [backend.port] }) },
  });
  t.after(() => sup.stop());
  const started = await waitFor('proxy started line', () => sup.logLines.find((l) => l.includes('proxy started')), { timeoutMs: 10_000 });
  assert.match(started, /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}\[a\] proxy started( \w+=\S+)+$/);
  assert.match(started, / pid=\d+/);
  for (const line of sup.logLines) {
    assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z (DEBUG|INFO |WARN |ERROR) /, line);
    assert.throws(() => JSON.parse(line) as unknown);
  }
});
