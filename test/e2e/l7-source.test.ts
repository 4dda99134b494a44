// Item 3 of the L7 issue: gamedig queries A2S info, players and rules through a proxy with gmod
// inspection on, against an A2S responder (test/helpers/a2s-responder.ts) that requires challenges and splits its
// rules reply over several datagrams; a first datagram that is not a query is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GameDig } from 'gamedig';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { UdpClient } from '../helpers/udp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { a2sResponder, RULES, rulesReply, SPLIT_SIZE } from '../helpers/a2s-responder.js';

test('gamedig reads info, players and a split rules reply through gmod inspection; a non-query first datagram is dropped', async (t) => {
  const responder = await a2sResponder(t);
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: {
      'gm.yaml': proxyYaml({ name: 'gm', originPorts: [port], destPorts: [responder.port], protocol: 'udp', extra: 'l7_protection:\n  enabled: true\n  payload_inspection:\n    enabled: true\n    mode: "gmod"\n' }),
    },
    waitForRunning: ['gm'],
  });
  t.after(() => sup.stop());

  const state = await GameDig.query({ type: 'garrysmod', host: '127.0.0.1', port, requestRules: true, requestPlayers: true, socketTimeout: 2000, attemptTimeout: 8000, maxRetries: 1 });
  assert.equal(state.name, 'RouteX test server');
  assert.equal(state.map, 'gm_construct');
  assert.deepEqual([...state.players].map((p) => p.name).sort(), ['Alyx', 'Gordon']);
  const rules = (state.raw as { rules: Record<string, string> }).rules;
  assert.equal(Object.keys(rules).length, RULES.length);
  assert.equal(rules['sv_rule_59'], RULES[59]![1]);
  assert.ok(rulesReply().length > 2 * SPLIT_SIZE, 'the rules reply really is split');

  const received = responder.received.length;
  const stranger = await UdpClient.bind('127.0.0.8');
  t.after(() => stranger.close());
  stranger.send(port, Buffer.from('hello, is this a game server?'));
  stranger.send(port, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x42, 0, 0, 0, 0]));
  await waitFor('the drops to be counted', async () => {
    const view = (await sup.api('GET', '/api/proxies/gm/l7', { key: ADMIN_KEY })).body;
    return (view.blocked.invalid_protocol ?? 0) + (view.blocked.stray ?? 0) === 2;
  });
  assert.equal(responder.received.length, received, 'neither datagram reached the server');
  assert.equal(stranger.replies.length, 0);
});
