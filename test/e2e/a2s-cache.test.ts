// Source A2S through the real supervisor: gamedig gets info, players and rules from RouteX's
// cache; spoofed query floods get only challenges and never reach the game server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { GameDig } from 'gamedig';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess, ADMIN_KEY } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { startA2sServer } from '../helpers/a2s-server.js';
import { encodeA2sRequest, parseChallengeReply } from '../../proxy-worker/source-query/a2s-packets.js';

const INFO = {
  name: 'RouteX GMod',
  map: 'gm_flatgrass',
  players: [{ name: 'alice', score: 12 }, { name: 'bob', score: 4 }, { name: 'carol', score: 9 }],
  rules: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`sv_setting_${i}`, `value ${i}`])),
};

test('gamedig gets name, map, players and rules through the cache; 1,000 unchallenged queries get 9-byte challenges and never reach the server', async (t) => {
  const server = await startA2sServer(INFO);
  t.after(() => server.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'gm.yaml': proxyYaml({ name: 'gm', protocol: 'udp', originPorts: [port], destPorts: [server.port], extra: 'a2s_cache:\n  enabled: true\n  ttl: 30s\n' }) },
    waitForRunning: ['gm'],
  });
  t.after(() => sup.stop());

  for (let round = 0; round < 2; round++) {
    const state = await GameDig.query({ type: 'garrysmod', host: '127.0.0.1', port, maxRetries: 1, socketTimeout: 3000, requestRules: true, requestRulesRequired: true });
    assert.equal(state.name, INFO.name);
    assert.equal(state.map, INFO.map);
    assert.deepEqual([...state.players.map((p) => p.name)].sort(), ['alice', 'bob', 'carol']);
    assert.equal((state.raw as { rules: Record<string, string> }).rules['sv_setting_59'], 'value 59');
  }
  const afterGamedig = Object.fromEntries(server.received);
  // One fetch per query kind: each is an unchallenged request, then one with the server's challenge.
  assert.deepEqual(afterGamedig, { T: 2, U: 2, V: 2 });

  // A reflection attempt: spoofed sources never see the challenge, so they only ever send without one.
  const flood = dgram.createSocket('udp4');
  t.after(() => flood.close());
  let replies = 0;
  let largest = 0;
  flood.on('message', (reply) => {
    replies++;
    largest = Math.max(largest, reply.length);
    assert.notEqual(parseChallengeReply(reply), undefined, 'only challenges come back');
  });
  await new Promise<void>((resolve) => flood.bind(0, '127.0.0.1', resolve));
  const request = encodeA2sRequest('info', null);
  const wrongChallenge = encodeA2sRequest('info', 0x12345678);
  // In bursts of 50, so the loopback socket buffers drop none of them.
  for (let i = 0; i < 1000; i++) {
    flood.send(i % 2 === 0 ? request : wrongChallenge, port, '127.0.0.1');
    if (i % 50 === 49) await waitFor('the burst answered', () => replies >= i + 1 - 5, { timeoutMs: 3000, intervalMs: 5 });
  }
  await waitFor('every query answered', () => replies >= 995, { timeoutMs: 3000 });
  assert.ok(largest <= request.length, `a ${largest}-byte reply to a ${request.length}-byte request`);
  assert.equal(largest, 9);
  assert.deepEqual(Object.fromEntries(server.received), afterGamedig, 'the flood did not reach the server');

  // Anything that is not a query still goes to the server, on a session as before.
  flood.send(Buffer.from('game traffic'), port, '127.0.0.1');
  await waitFor('game traffic at the server', () => server.received.get('other') === 1);

  const stats = await waitFor('the answers counted', async () => {
    const body = (await sup.api('GET', '/api/stats/proxy/gm', { key: ADMIN_KEY })).body;
    return body.routes[0].status_fetches === 3 ? body : undefined;
  });
  assert.equal(stats.routes[0].answered, 6, 'two gamedig runs of three queries each');
});
