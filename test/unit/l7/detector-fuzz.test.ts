// Item 7 of the L7 issue: 100,000 random and mutated inputs to every detector, and TCP inputs
// split at every offset. No exception, no hang, and a verdict reached on a prefix never
// contradicts the verdict on the whole input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectorFor } from '../../../proxy-worker/l7/detectors/detector-for.js';
import type { Detector, Verdict } from '../../../proxy-worker/l7/detectors/verdict.js';
import type { InspectionMode } from '../../../shared/config/resolved-types.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import * as packets from '../../helpers/game-packets.js';

const INPUTS = 100_000;
const SPLIT_INPUTS = 2_000;
const VERDICTS = new Set<Verdict>(['pass', 'need-more', 'stray', 'invalid_protocol', 'payload_too_small', 'payload_too_large']);

const CUSTOM_RULES = [
  { name: 'ok', matchOffset: 0, matchBytes: [0x0f, 0x10], action: 'allow' as const },
  { name: 'junk', matchOffset: 0, matchBytes: [0x00], action: 'drop' as const },
];

const SEEDS: Record<InspectionMode, { tcp: Buffer[]; udp: Buffer[] }> = {
  'minecraft-java': { tcp: [packets.javaHandshake(), packets.javaHandshake({ host: 'x\0FML3\0', nextState: 2 }), packets.legacyPing()], udp: [packets.minecraftQueryHandshake(), packets.minecraftQueryStat(true)] },
  'minecraft-bedrock': { tcp: [], udp: [packets.raknetPing(), packets.raknetOpenRequest1(600), packets.raknetOpenRequest2()] },
  fivem: { tcp: [Buffer.from('GET /info.json HTTP/1.1\r\nHost: x\r\n\r\n')], udp: [packets.fivemGetInfo(), packets.enetConnect(), packets.enetConnect(true)] },
  gmod: { tcp: [packets.rconAuth()], udp: [packets.a2sInfo(), packets.a2sInfo(7), packets.a2sPlayer(), packets.sourceGetChallenge()] },
  custom: { tcp: [Buffer.from([0x0f, 0x10, 1]), Buffer.from([1, 2, 0, 0, 0])], udp: [Buffer.from([0x0f, 0x10, 1]), Buffer.from([1, 2, 0, 0, 0])] },
  none: { tcp: [], udp: [] },
};

function mutate(seed: Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(seed);
  const kind = Math.floor(random() * 4);
  if (kind === 0) {
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n && bytes.length > 0; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    return bytes;
  }
  if (kind === 1) return bytes.subarray(0, Math.floor(random() * bytes.length));
  if (kind === 2) return Buffer.concat([bytes, randomBytes(random, Math.floor(random() * 64))]);
  const at = Math.floor(random() * (bytes.length + 1));
  return Buffer.concat([bytes.subarray(0, at), randomBytes(random, 1 + Math.floor(random() * 8)), bytes.subarray(at)]);
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function inputs(seeds: Buffer[], random: () => number, count: number): Buffer[] {
  const list: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const fromSeed = seeds.length > 0 && random() < 0.6;
    list.push(fromSeed ? mutate(seeds[Math.floor(random() * seeds.length)]!, random) : randomBytes(random, Math.floor(random() * (random() < 0.9 ? 64 : 2048))));
  }
  return list;
}

const rejects = (v: Verdict) => v !== 'pass' && v !== 'need-more' && v !== 'stray';

/** Feeds the input in two segments split at `at`, as the first-bytes reader would. */
function splitVerdict(inspect: Detector, bytes: Buffer, at: number): Verdict {
  const first = inspect(bytes, 0, at, false);
  return first === 'need-more' ? inspect(bytes, 0, bytes.length, false) : first;
}

for (const mode of Object.keys(SEEDS) as InspectionMode[]) {
  for (const protocol of ['tcp', 'udp'] as const) {
    const choice = detectorFor(mode, protocol, CUSTOM_RULES);
    if (choice === null) continue;
    test(`fuzz ${mode} over ${protocol}: ${INPUTS} random and mutated inputs, verdicts always defined`, () => {
      const random = seededRandom(mode.length * 7919 + protocol.length);
      const seeds = SEEDS[mode][protocol];
      for (const seed of seeds) assert.equal(choice.inspect(seed, 0, seed.length, protocol === 'udp'), 'pass', `seed ${seed.toString('hex')}`);
      const counts = new Map<Verdict, number>();
      for (const input of inputs(seeds, random, INPUTS)) {
        const verdict = choice.inspect(input, 0, input.length, protocol === 'udp');
        assert.ok(VERDICTS.has(verdict), `verdict ${verdict} for ${input.toString('hex')}`);
        if (protocol === 'udp') assert.notEqual(verdict, 'need-more', `need-more on a whole datagram ${input.toString('hex')}`);
        counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
        // An ended TCP client never leaves the verdict open.
        if (protocol === 'tcp') assert.notEqual(choice.inspect(input, 0, input.length, true), 'need-more');
      }
      assert.ok((counts.get('pass') ?? 0) > 0 && [...counts.keys()].some(rejects), `verdict spread ${JSON.stringify([...counts])}`);
    });
    if (protocol === 'tcp') {
      test(`fuzz ${mode} over tcp: inputs split at every offset agree with the whole input`, () => {
        const random = seededRandom(mode.length * 104_729);
        for (const input of inputs(SEEDS[mode].tcp, random, SPLIT_INPUTS)) {
          const whole = choice.inspect(input, 0, input.length, false);
          for (let at = 0; at <= input.length; at++) {
            const split = splitVerdict(choice.inspect, input, at);
            assert.ok(split === whole || (rejects(split) && rejects(whole)), `${mode}: split at ${at} gives ${split}, whole gives ${whole}: ${input.toString('hex')}`);
          }
        }
      });
    }
  }
}
