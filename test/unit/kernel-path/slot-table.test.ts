import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillSlots, slotCount, weightedOrder, type SlotUpstream } from '../../../supervisor/kernel-path/slot-table.js';

const members = (...weights: number[]): SlotUpstream[] => weights.map((weight, i) => ({ ip: `10.0.0.${i + 1}`, port: 80, weight }));
const counts = (slots: number[], n: number): number[] => Array.from({ length: n }, (_, k) => slots.filter((s) => s === k).length);

describe('kernel slot table', () => {
  it('sizes groups so any number of healthy upstreams up to 6 shares the slots evenly', () => {
    assert.equal(slotCount(1, 'round-robin', true), 1);
    assert.equal(slotCount(1, 'round-robin', false), 60);
    for (let k = 1; k <= 6; k++) assert.equal(60 % k, 0);
    assert.equal(slotCount(7, 'random', false), 720);
    assert.equal(slotCount(2, 'weighted', false), 720);
    assert.equal(slotCount(400, 'ip-hash', false), 720 * 3);
  });

  it('round-robin: slots rotate through the healthy upstreams, the ejected one gets none', () => {
    const slots = fillSlots(members(1, 1, 1), [true, false, true], 60, 'round-robin');
    assert.deepEqual(slots.slice(0, 4), [0, 2, 0, 2]);
    assert.deepEqual(counts(slots, 3), [30, 0, 30]);
  });

  it('no healthy upstream leaves the map empty', () => {
    assert.deepEqual(fillSlots(members(1, 1), [false, false], 60, 'random'), []);
  });

  it('weighted 3:1 gives exactly 3:1 of the slots, interleaved', () => {
    const slots = fillSlots(members(3, 1), [true, true], 720, 'weighted');
    assert.deepEqual(counts(slots, 2), [540, 180]);
    assert.deepEqual(slots.slice(0, 8), [0, 0, 1, 0, 0, 0, 1, 0]);
  });

  it('weighted keeps every healthy upstream in, however small its weight', () => {
    const order = weightedOrder([1_000_000, 1], 720);
    assert.deepEqual(counts(order, 2), [719, 1]);
  });

  it('weighted without a healthy heavy upstream gives everything to the others', () => {
    assert.deepEqual(counts(fillSlots(members(3, 1, 1), [false, true, true], 720, 'weighted'), 3), [0, 360, 360]);
  });

  it('ip-hash: an eject moves only the ejected upstream\'s slots, and the readmit gives them back', () => {
    const all = fillSlots(members(1, 1, 1), [true, true, true], 60, 'ip-hash');
    const one = fillSlots(members(1, 1, 1), [true, false, true], 60, 'ip-hash');
    for (let s = 0; s < 60; s++) {
      if (all[s] !== 1) assert.equal(one[s], all[s], `slot ${s} moved though its upstream stayed healthy`);
      else assert.notEqual(one[s], 1);
    }
    assert.deepEqual(counts(one, 3), [30, 0, 30]);
    assert.deepEqual(fillSlots(members(1, 1, 1), [true, true, true], 60, 'ip-hash'), all);
  });
});
