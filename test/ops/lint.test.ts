// install.sh and the service files pass their linters: shellcheck and systemd-analyze verify.
// .ci/run installs both (Debian: shellcheck, systemd); elsewhere a missing tool skips with why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingTool } from '../helpers/system-tools.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('shellcheck finds nothing in install.sh, the OpenRC service and the test tools', { skip: missingTool('shellcheck', 'shellcheck') }, () => {
  const result = spawnSync('shellcheck', ['install.sh', 'systemd/routex.openrc', 'test/tools/node-majors.sh'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.stdout + result.stderr, '');
  assert.equal(result.status, 0);
});

test('systemd-analyze verify finds nothing in systemd/routex.service', { skip: missingTool('systemd-analyze', 'systemd') }, (t) => {
  // verify checks that ExecStart's binary exists: point it at this machine's node, as install.sh does.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routex-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const unit = path.join(dir, 'routex.service');
  writeFileSync(unit, readFileSync(path.join(ROOT, 'systemd/routex.service'), 'utf8').replaceAll('/usr/bin/node', process.execPath));
  const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  // Lines about other units on the machine (if any) are not ours to fix.
  const ours = (result.stdout + result.stderr).split('\n').filter((line) => line.includes('routex'));
  assert.deepEqual(ours, []);
  assert.equal(result.status, 0, result.stderr);
});

test('the unit keeps the settings operations rely on', () => {
  const unit = readFileSync(path.join(ROOT, 'systemd/routex.service'), 'utf8');
  const settings = new Map<string, string>();
  for (const line of unit.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) settings.set(match[1]!, match[2]!);
  }
  assert.equal(settings.get('Type'), 'notify');
  assert.equal(settings.get('NotifyAccess'), 'all', 'systemd-notify runs as a child of the supervisor');
  assert.equal(settings.get('ExecStart'), '/usr/bin/node /opt/routex/dist/supervisor/cli.js --config /etc/routex/global.yaml');
  assert.equal(settings.get('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(settings.get('KillMode'), 'mixed');
  assert.ok(Number.parseInt(settings.get('TimeoutStopSec') ?? '0', 10) > 30, 'TimeoutStopSec must exceed the 30 s default drain');
  assert.equal(settings.get('User'), 'routex');
  assert.equal(settings.get('CapabilityBoundingSet'), 'CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW');
  assert.equal(settings.get('AmbientCapabilities'), 'CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW');
  assert.equal(settings.get('ProtectSystem'), 'strict');
  assert.equal(settings.get('ReadWritePaths'), '/var/lib/routex /etc/routex -/run/xtables.lock', 'legacy iptables locks /run/xtables.lock');
  assert.equal(settings.get('LimitNOFILE'), '1048576');
  assert.ok(!settings.has('MemoryDenyWriteExecute'), 'V8 needs writable+executable memory');
});
