import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomRules } from '../../../proxy-worker/l7/detectors/custom-rules.js';
import type { CustomInspectionRule } from '../../../shared/config/resolved-types.js';

const rule = (name: string, matchOffset: number, matchBytes: number[], action: 'allow' | 'drop'): CustomInspectionRule => ({ name, matchOffset, matchBytes, action });

const rules = new CustomRules([rule('valid-handshake', 0, [0x0f, 0x10], 'allow'), rule('junk', 0, [0, 0, 0], 'drop'), rule('late-marker', 4, [0xaa], 'drop')]);
const complete = (bytes: number[]) => rules.inspect(Uint8Array.from(bytes), 0, bytes.length, true);

test('the first matching rule decides and names itself', () => {
  assert.equal(complete([0x0f, 0x10, 0, 0, 0xaa]), 'pass');
  assert.equal(rules.decidedBy, 'valid-handshake');
  assert.equal(complete([0, 0, 0, 1]), 'invalid_protocol');
  assert.equal(rules.decidedBy, 'junk');
});

test('no match allows', () => {
  assert.equal(complete([1, 2, 3, 4, 5, 6]), 'pass');
  assert.equal(rules.decidedBy, '');
});

test('over TCP, a rule waits only while the bytes so far agree with it', () => {
  const bytes = Uint8Array.from([0x0f]);
  assert.equal(rules.inspect(bytes, 0, 1, false), 'need-more');
  // 0x01 cannot become 0F 10 or 00 00 00; the last rule still needs byte 4.
  assert.equal(rules.inspect(Uint8Array.from([1]), 0, 1, false), 'need-more');
  assert.equal(rules.inspect(Uint8Array.from([1, 2, 3, 4, 5]), 0, 5, false), 'pass');
  assert.equal(rules.inspect(Uint8Array.from([1, 2, 3, 4, 0xaa]), 0, 5, false), 'invalid_protocol');
});

test('a rule beyond a complete input does not match', () => {
  assert.equal(complete([1]), 'pass');
  assert.equal(rules.reach, 5);
});
