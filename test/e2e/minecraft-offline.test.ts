// Minecraft Java: the offline status and disconnect when a route's backends are down (found by the
// health checks, or by a dial that fails), and the real status again once a backend is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { loginAs, motdOf, pingAs, startMinecraftBackend } from '../helpers/minecraft-backend.js';

const FAVICON = path.resolve(fileURLToPath(new URL('../../../configs/proxies/offline-favicon.png', import.meta.url)));
const HEALTH_INTERVAL_MS = 1000;

function offlineYaml(health: string, statusCache: string): string {
  return `
load_balancing:
  health_check: ${health}
timeouts:
  upstream_connect: 1s
status_cache: ${statusCache}
offline_status:
  enabled: true
  motd: "Back in five minutes"
  version_name: "Maintenance"
  version_protocol: -1
  max_players: 42
  favicon: "${FAVICON}"
  disconnect_message: "The server is restarting, try again soon"
`;
}

test('backend down: pings show the offline status within one health interval, logins the offline message; back up: the real status again', async (t) => {
  let backend = await startMinecraftBackend('Live');
  const backendPort = backend.port;
  t.after(() => backend.close());
  const cachedPort = await freePort();
  const directPort = await freePort();
  const health = `{interval: ${HEALTH_INTERVAL_MS}ms, timeout: 500ms, failures_before_eject: 1, passes_before_readmit: 1}`;
  const sup = await SupervisorProcess.start({
    proxies: {
      // Status from a cache that would hold for a minute: only the health change can end it.
      'cached.yaml': proxyYaml({ name: 'cached', originPorts: [cachedPort], destPorts: [backendPort], extra: offlineYaml(health, '{enabled: true, ttl: 60s}') }),
      // No cache, and probes too slow to notice: the failed dial is what answers offline.
      'direct.yaml': proxyYaml({ name: 'direct', originPorts: [directPort], destPorts: [backendPort], extra: offlineYaml('{interval: 60s, timeout: 2s}', '{enabled: false}') }),
    },
    waitForRunning: ['cached', 'direct'],
  });
  t.after(() => sup.stop());
  assert.equal(motdOf(await pingAs('play.example.test', cachedPort)), 'Live MOTD');
  assert.equal(motdOf(await pingAs('play.example.test', directPort)), 'Live MOTD');

  await backend.close();
  const stoppedAt = Date.now();
  const offline = await waitFor('the offline status through the cache', async () => {
    const result = await pingAs('play.example.test', cachedPort);
    return motdOf(result) === 'Back in five minutes' ? result : undefined;
  }, { timeoutMs: 5000, intervalMs: 50 });
  const elapsedMs = Date.now() - stoppedAt;
  assert.ok(elapsedMs <= HEALTH_INTERVAL_MS + 500, `offline status after ${elapsedMs} ms, more than one health interval (${HEALTH_INTERVAL_MS} ms) and slack`);
  assert.deepEqual(offline.version, { name: 'Maintenance', protocol: -1 });
  assert.equal(offline.players.max, 42);
  assert.equal(offline.favicon, `data:image/png;base64,${readFileSync(FAVICON).toString('base64')}`);
  assert.equal(await loginAs('play.example.test', cachedPort), 'The server is restarting, try again soon');

  assert.equal(motdOf(await pingAs('play.example.test', directPort)), 'Back in five minutes', 'a failed dial answers offline');
  assert.equal(await loginAs('play.example.test', directPort), 'The server is restarting, try again soon');

  backend = await startMinecraftBackend('Live', { motd: 'Live again', port: backendPort });
  await waitFor('the real status again', async () => motdOf(await pingAs('play.example.test', cachedPort)) === 'Live again', { timeoutMs: 5000, intervalMs: 100 });
  assert.equal(motdOf(await pingAs('play.example.test', directPort)), 'Live again');
  assert.equal(await loginAs('play.example.test', cachedPort), 'Welcome to Live');
});
