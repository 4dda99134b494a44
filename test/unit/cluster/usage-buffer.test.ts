import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageBuffer } from '../../../supervisor/cluster/usage-buffer.js';
import { nodesOf } from '../../../supervisor/cluster/usage-script.js';

const Q = 15 * 60_000;

test('bytes of the same proxy and bucket add up into one entry', () => {
  const buffer = new UsageBuffer(10);
  buffer.add('mc', 0, 100, 10);
  buffer.add('mc', 0, 50, 5);
  buffer.add('mc', Q, 1, 1);
  buffer.add('rust', 0, 7, 0);
  assert.equal(buffer.size, 3);
  assert.equal(buffer.bytes, 174);
  assert.deepEqual(buffer.take('mc'), [
    { proxy: 'mc', bucketMs: 0, bytesIn: 150, bytesOut: 15 },
    { proxy: 'mc', bucketMs: Q, bytesIn: 1, bytesOut: 1 },
  ]);
  assert.deepEqual(buffer.proxies(), ['rust']);
  assert.equal(buffer.size, 1);
});

test('past its bound the buffer drops the oldest bucket and reports the bytes lost', () => {
  const buffer = new UsageBuffer(3);
  buffer.add('a', 2 * Q, 1, 0);
  buffer.add('b', 0, 40, 2); // oldest
  buffer.add('a', 3 * Q, 1, 0);
  buffer.add('a', 4 * Q, 5, 0);
  assert.equal(buffer.size, 3);
  assert.equal(buffer.takeDropped(), 42);
  assert.equal(buffer.takeDropped(), 0);
  assert.deepEqual(buffer.proxies(), ['a']);
  buffer.add('a', 4 * Q, 5, 0); // same bucket: merged, nothing dropped
  assert.equal(buffer.takeDropped(), 0);
  assert.deepEqual([...buffer.of('a')].map((e) => e.bucketMs), [2 * Q, 3 * Q, 4 * Q]);
});

test('a counter hash reads as bytes per node, ignoring the flush numbers and junk', () => {
  const nodes = nodesOf({ 'in:edge-1': '100', 'out:edge-1': '5', 'in:edge:2': '7', 'seq:ab12': '9', 'out:edge-3': 'x', other: '1' });
  assert.deepEqual([...nodes], [
    ['edge-1', { bytesIn: 100, bytesOut: 5 }],
    ['edge:2', { bytesIn: 7, bytesOut: 0 }],
  ]);
});
