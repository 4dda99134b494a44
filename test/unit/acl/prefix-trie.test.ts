import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrefixTrie } from '../../../shared/acl/prefix-trie.js';
import { seededRandom } from '../../helpers/seeded-random.js';

test('the lowest rule index on the path wins, at any depth', () => {
  const trie = new PrefixTrie();
  trie.insert([0x0a000000], 8, 3);
  trie.insert([0x0a010000], 16, 1);
  trie.insert([0x0a010200], 24, 2);
  trie.insert([0x0a000000], 8, 5); // a later duplicate keeps the earlier index
  assert.equal(trie.lookup32(0x0a010203), 1);
  assert.equal(trie.lookup32(0x0a020304), 3);
  assert.equal(trie.lookup32(0x0b000000), -1);
  trie.insert([0], 0, 0);
  assert.equal(trie.lookup32(0x0b000000), 0, 'a /0 rule sits at the root');
});

test('128-bit lookups walk across word boundaries', () => {
  const trie = new PrefixTrie();
  trie.insert([0x20010db8, 0x00000001, 0, 0], 64, 4);
  trie.insert([0x20010db8, 0, 0, 0], 32, 7);
  assert.equal(trie.lookup128(Uint32Array.of(0x20010db8, 1, 0xffffffff, 5)), 4);
  assert.equal(trie.lookup128(Uint32Array.of(0x20010db8, 2, 0, 0)), 7);
  assert.equal(trie.lookup128(Uint32Array.of(0x20010db9, 1, 0, 0)), -1);
});

test('a sealed IPv4 trie answers exactly like the plain walk', () => {
  const random = seededRandom(16);
  const plain = new PrefixTrie();
  const sealed = new PrefixTrie();
  const prefixes: [number, number][] = [];
  for (let i = 0; i < 3000; i++) {
    const prefix = Math.floor(random() * 33);
    const value = Math.floor(random() * 0x1_0000_0000);
    prefixes.push([value, prefix]);
    plain.insert([value], prefix, i);
    sealed.insert([value], prefix, i);
  }
  sealed.seal();
  assert.ok(sealed.nodeCount >= 1024, 'big enough to be sealed');
  for (let i = 0; i < 20_000; i++) {
    let value = Math.floor(random() * 0x1_0000_0000);
    if (i % 2 === 0) {
      const [base, prefix] = prefixes[i % prefixes.length]!;
      const hostMask = prefix === 0 ? 0xffffffff : prefix === 32 ? 0 : 0xffffffff >>> prefix;
      value = ((base & ~hostMask) | (value & hostMask)) >>> 0;
    }
    assert.equal(sealed.lookup32(value), plain.lookup32(value), `address ${value.toString(16)}`);
  }
});
