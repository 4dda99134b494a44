import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { describe, it } from 'node:test';
import { GameDig } from 'gamedig';
import { A2sAnswerer } from '../../../proxy-worker/source-query/a2s-answerer.js';
import { fetchA2sReply } from '../../../proxy-worker/source-query/a2s-fetcher.js';
import { encodeA2sRequest, parseChallengeReply, type A2sQuery } from '../../../proxy-worker/source-query/a2s-packets.js';
import { startA2sServer, type A2sServerInfo } from '../../helpers/a2s-server.js';

const INFO: A2sServerInfo = {
  name: 'RouteX test server',
  map: 'gm_construct',
  players: [{ name: 'alice', score: 7 }, { name: 'bob', score: 3 }],
  rules: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`sv_rule_${i}`, `value number ${i}`])),
};
const CONFIG = { enabled: true, ttlMs: 60_000, players: true, rules: true };

describe('A2S answerer', () => {
  it('answers a query without a valid challenge with a challenge no larger than the request', () => {
    const fetched: A2sQuery[] = [];
    const answerer = new A2sAnswerer(CONFIG, (query) => (fetched.push(query), Promise.resolve([Buffer.alloc(1400)])));
    const replies: Buffer[] = [];
    for (const [query, challenge] of [['info', null], ['players', null], ['rules', null], ['info', 12345], ['players', 999]] as const) {
      const request = encodeA2sRequest(query, challenge);
      replies.length = 0;
      assert.equal(answerer.handle(request, '198.51.100.7', 40000, (d) => replies.push(d)), true);
      assert.equal(replies.length, 1);
      assert.ok(replies[0]!.length <= request.length, `${query}: ${replies[0]!.length} > ${request.length}`);
      assert.notEqual(parseChallengeReply(replies[0]!), undefined);
    }
    assert.deepEqual(fetched, [], 'no unverified query reaches the backend');
  });

  it('gives a challenge that only works from the address and port it was sent to', async () => {
    const answerer = new A2sAnswerer(CONFIG, () => Promise.resolve([Buffer.from('reply')]));
    let challenge = 0;
    answerer.handle(encodeA2sRequest('info', null), '198.51.100.7', 40000, (d) => (challenge = parseChallengeReply(d)!));
    const replies: string[] = [];
    answerer.handle(encodeA2sRequest('info', challenge), '198.51.100.7', 40001, (d) => replies.push(d.length === 9 ? 'challenge' : 'reply'));
    answerer.handle(encodeA2sRequest('info', challenge), '198.51.100.8', 40000, (d) => replies.push(d.length === 9 ? 'challenge' : 'reply'));
    answerer.handle(encodeA2sRequest('info', challenge), '198.51.100.7', 40000, (d) => replies.push(d.length === 9 ? 'challenge' : 'reply'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(replies, ['challenge', 'challenge', 'reply']);
  });

  it('leaves non-queries and, when told to, player and rules queries to the backend', () => {
    const answerer = new A2sAnswerer({ ...CONFIG, players: false, rules: false }, () => Promise.resolve(null));
    const none = (): void => assert.fail('nothing is sent');
    assert.equal(answerer.handle(encodeA2sRequest('players', null), '10.0.0.1', 1, none), false);
    assert.equal(answerer.handle(encodeA2sRequest('rules', null), '10.0.0.1', 1, none), false);
    assert.equal(answerer.handle(Buffer.from('ffffffff71636f6e6e656374', 'hex'), '10.0.0.1', 1, none), false);
    assert.equal(answerer.handle(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x54, 0x00]), '10.0.0.1', 1, none), false);
    assert.equal(answerer.handle(Buffer.alloc(0), '10.0.0.1', 1, none), false);
  });

  it('fetches a split rules reply from a challenge-requiring server, datagrams as sent', async (t) => {
    const server = await startA2sServer(INFO);
    t.after(() => server.close());
    const rules = await fetchA2sReply('127.0.0.1', server.port, 'rules', 2000);
    assert.equal(rules?.length, 2);
    assert.equal(rules?.[0]!.readInt32LE(0), -2);
    assert.equal(server.received.get('V'), 2, 'one unchallenged, one challenged request');
    assert.equal(await fetchA2sReply('127.0.0.1', 1, 'info', 200), null);
  });

  it('serves gamedig name, map, players and rules, fetching each query once per ttl', async (t) => {
    const server = await startA2sServer(INFO);
    t.after(() => server.close());
    const answerer = new A2sAnswerer(CONFIG, (query) => fetchA2sReply('127.0.0.1', server.port, query, 2000));
    const front = dgram.createSocket('udp4');
    front.on('message', (msg, rinfo) => answerer.handle(msg, rinfo.address, rinfo.port, (reply) => front.send(reply, rinfo.port, rinfo.address)));
    await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
    t.after(() => front.close());
    for (let round = 0; round < 3; round++) {
      const state = await GameDig.query({ type: 'garrysmod', host: '127.0.0.1', port: front.address().port, maxRetries: 1, socketTimeout: 2000, requestRules: true, requestRulesRequired: true });
      assert.equal(state.name, INFO.name);
      assert.equal(state.map, INFO.map);
      assert.deepEqual([...state.players.map((p) => p.name)].sort(), ['alice', 'bob']);
      assert.equal((state.raw as { rules: Record<string, string> }).rules['sv_rule_39'], 'value number 39');
    }
    // Each query once unchallenged and once with the challenge: one fetch each, for three gamedig runs.
    assert.deepEqual(Object.fromEntries(server.received), { T: 2, U: 2, V: 2 });
  });
});
