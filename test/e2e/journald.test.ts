// Under systemd with output to journald (JOURNAL_STREAM names stdout's device:inode), every line
// starts with its syslog priority, so `journalctl -p err` works: the supervisor's lines, the
// workers' records and whatever a worker's runtime prints to stderr. Elsewhere, no prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const PRIORITY: Record<string, string> = { error: '<3>', warn: '<4>', info: '<6>', debug: '<7>' };

function prefixed(sup: SupervisorProcess, message: string): string | undefined {
  return sup.logLines.find((line) => line.includes(`"message":"${message}"`));
}

test('journald: every line starts with its priority, <3> for a worker crash, outside the JSON object', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [port, deadPort, deadUpstream] = [await freePort(), await freePort(), await freePort()];
  // A worker's runtime printing to stderr (as V8 does on a fatal error), preloaded into workers only.
  const preloadDir = mkdtempSync(path.join(os.tmpdir(), 'routex-journal-'));
  t.after(() => rmSync(preloadDir, { recursive: true, force: true }));
  const preload = path.join(preloadDir, 'worker-stderr.cjs');
  writeFileSync(preload, "if (process.argv[1]?.endsWith('proxy-worker/main.js')) process.stderr.write('printed by the runtime\\n');\n");
  const sup = await SupervisorProcess.start({
    journal: true,
    env: { NODE_OPTIONS: `--require ${preload}` },
    proxies: {
      'a.yaml': proxyYaml({ name: 'a', originPorts: [port], destPorts: [backend.port], extra: 'logging:\n  log_connections: true\n' }),
      'dead.yaml': proxyYaml({
        name: 'dead',
        originPorts: [deadPort],
        destPorts: [deadUpstream],
        extra: 'load_balancing:\n  health_check:\n    interval: 50ms\n    timeout: 25ms\n    failures_before_eject: 1\n',
      }),
    },
    waitForRunning: ['a', 'dead'],
  });
  t.after(() => sup.stop());

  const client = await TcpClient.connect(port);
  client.socket.destroy();
  await waitFor('a worker info line', () => prefixed(sup, 'connection accepted'), { timeoutMs: 10_000 });
  await waitFor('a worker warn line', () => prefixed(sup, 'upstream ejected'), { timeoutMs: 10_000 });
  const pid = (await sup.proxy('a')).pid as number;
  process.kill(pid, 'SIGKILL');
  const crashed = await waitFor('worker crashed', () => prefixed(sup, 'worker crashed'), { timeoutMs: 10_000 });
  const stderrLine = await waitFor('a worker stderr line', () => prefixed(sup, 'worker stderr'), { timeoutMs: 10_000 });

  assert.match(crashed, /^<3>\{.*"proxy":"a"/);
  assert.match(stderrLine, /^<3>\{.*"line":"printed by the runtime"/);
  assert.match(prefixed(sup, 'connection accepted')!, /^<6>\{/, 'a worker record at info');
  assert.match(prefixed(sup, 'upstream ejected')!, /^<4>\{.*"proxy":"dead"/, 'a worker record at warn');
  assert.match(prefixed(sup, 'api request')!, /^<7>\{/, "the supervisor's debug line");
  assert.match(prefixed(sup, 'routex started')!, /^<6>\{/);
  for (const line of sup.logLines) {
    const match = /^(<\d>)(\{.*\})$/.exec(line);
    assert.ok(match, `not "<N>{json}": ${line}`);
    const record = JSON.parse(match[2]!) as Record<string, unknown>;
    assert.equal(match[1], PRIORITY[String(record['level'])], line);
  }
});

test('journald: no prefix when JOURNAL_STREAM names another stream (output redirected elsewhere)', async (t) => {
  const sup = await SupervisorProcess.start({ env: { JOURNAL_STREAM: '0:1' } });
  t.after(() => sup.stop());
  await waitFor('routex started', () => sup.logs.find((l) => l['message'] === 'routex started'), { timeoutMs: 10_000 });
  assert.ok(sup.logLines.length > 0);
  for (const line of sup.logLines) assert.match(line, /^\{/, line);
});
