import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ban } from '../../../shared/bans/ban.js';
import { compareBans, parseBanMessage, parseStoredBan, parseUnban } from '../../../supervisor/cluster/ban-wire.js';

const ban: Ban = { target: '203.0.113.7/32', reason: 'cycling', source: 'mc', node: 'edge-1', createdAtMs: 1_000, expiresAtMs: 61_000 };

test('the newer ban wins; a tie goes to the greater node name', () => {
  assert.ok(compareBans({ ...ban, createdAtMs: 2_000 }, ban) > 0);
  assert.ok(compareBans(ban, { ...ban, createdAtMs: 2_000 }) < 0);
  assert.ok(compareBans({ ...ban, node: 'edge-2' }, ban) > 0);
  assert.equal(compareBans({ ...ban }, ban), 0);
  assert.ok(compareBans(ban, { ...ban, node: null }) > 0, 'a single-node ban loses a tie');
});

test('stored bans and messages round-trip', () => {
  assert.deepEqual(parseStoredBan(JSON.stringify(ban)), ban);
  assert.deepEqual(parseStoredBan(JSON.stringify({ ...ban, node: null, expiresAtMs: null })), { ...ban, node: null, expiresAtMs: null });
  assert.deepEqual(parseBanMessage(JSON.stringify({ op: 'added', from: 'x1', ban })), { op: 'added', from: 'x1', ban });
  const removed = { op: 'removed', from: 'x1', target: '2001:db8::/48', node: 'edge-2', atMs: 5 };
  assert.deepEqual(parseBanMessage(JSON.stringify(removed)), removed);
  assert.deepEqual(parseUnban('{"atMs":5,"node":"edge-2"}'), { atMs: 5, node: 'edge-2' });
});

test('anything malformed from Redis is refused, never thrown', () => {
  const bad = [
    null,
    'not json',
    '[]',
    '{}',
    JSON.stringify({ ...ban, target: '203.0.113.7' }), // not canonical
    JSON.stringify({ ...ban, target: '10.0.0.1/8' }), // host bits set
    JSON.stringify({ ...ban, createdAtMs: -1 }),
    JSON.stringify({ ...ban, expiresAtMs: '61000' }),
    JSON.stringify({ ...ban, node: 7 }),
    JSON.stringify({ ...ban, reason: undefined }),
  ];
  for (const text of bad) assert.equal(parseStoredBan(text), undefined, String(text));
  for (const message of [{ op: 'added', ban }, { op: 'added', from: 'x', ban: {} }, { op: 'removed', from: 'x', target: 'x', node: 'n', atMs: 1 }, { op: 'dropped', from: 'x' }, 'string']) {
    assert.equal(parseBanMessage(JSON.stringify(message)), undefined, JSON.stringify(message));
  }
  assert.equal(parseUnban('{"atMs":"5","node":"n"}'), undefined);
});
