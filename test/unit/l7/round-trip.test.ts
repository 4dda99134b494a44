// The per-game proofs that a UDP session's client receives the server's replies (amplification
// stops measuring a session that has one): what proves it, and what a forger can send that doesn't.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundTripWatchFor } from '../../../proxy-worker/l7/round-trip/round-trip-watch.js';
import { SourceChallenge } from '../../../proxy-worker/l7/round-trip/source-challenge.js';
import { RakNetConnected } from '../../../proxy-worker/l7/round-trip/raknet-connected.js';
import { MinecraftQueryToken } from '../../../proxy-worker/l7/round-trip/minecraft-query-token.js';
import { a2sInfo, a2sPlayer, raknetOpenRequest2, raknetPing } from '../../helpers/game-packets.js';

const CONNECTIONLESS = [0xff, 0xff, 0xff, 0xff];

function int32LE(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return [...b];
}

const a2sChallenge = (challenge: number) => Buffer.from([...CONNECTIONLESS, 0x41, ...int32LE(challenge)]);
/** S2C_CHALLENGE of the connect handshake: magic version, challenge, client challenge, auth protocol. */
const connectChallenge = (challenge: number) => Buffer.from([...CONNECTIONLESS, 0x41, ...int32LE(0x5a4f4933), ...int32LE(challenge), ...int32LE(7), ...int32LE(3)]);
/** C2S_CONNECT: protocol, auth protocol, server challenge, client challenge, then the rest. */
const connect = (challenge: number) => Buffer.from([...CONNECTIONLESS, 0x6b, ...int32LE(24), ...int32LE(3), ...int32LE(challenge), ...int32LE(7), 0x30, 0]);

test('Source: a request carrying the challenge the server handed out proves the round trip', () => {
  for (const request of [a2sInfo(-559038737), a2sPlayer(-559038737), a2sPlayer(-559038737, 0x56)]) {
    const watch = new SourceChallenge();
    assert.equal(watch.fromClient(a2sInfo()), false);
    watch.fromServer(a2sChallenge(-559038737));
    assert.equal(watch.fromClient(request), true);
  }
  const joining = new SourceChallenge();
  assert.equal(joining.fromClient(Buffer.from([...CONNECTIONLESS, 0x71, 1, 2, 3, 4])), false);
  joining.fromServer(connectChallenge(0x13572468));
  assert.equal(joining.fromClient(connect(0x13572468)), true, "a game client's connect");
});

test('Source: no challenge seen, a wrong one, or the other form of it proves nothing', () => {
  const watch = new SourceChallenge();
  assert.equal(watch.fromClient(a2sPlayer(0)), false, 'no challenge handed out yet (0 is no default)');
  assert.equal(watch.fromClient(a2sPlayer(-1)), false);
  watch.fromServer(a2sChallenge(1234));
  assert.equal(watch.fromClient(a2sPlayer(1235)), false);
  assert.equal(watch.fromClient(a2sInfo()), false);
  assert.equal(watch.fromClient(connect(1234)), false, 'a query challenge is not a connect challenge');
  assert.equal(watch.fromClient(Buffer.from([...CONNECTIONLESS, 0x55, 0xd2, 0x04])), false, 'truncated');
  const other = new SourceChallenge();
  other.fromServer(connectChallenge(99));
  assert.equal(other.fromClient(a2sPlayer(99)), false, 'a connect challenge is not a query challenge');
  // A server's other replies (info, split packets) hand out nothing.
  other.fromServer(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x41, 1, 0, 0, 0]));
  other.fromServer(Buffer.from([...CONNECTIONLESS, 0x49, 17, 0]));
  assert.equal(other.fromClient(a2sPlayer(1)), false);
});

const RAKNET_FRAME = Buffer.from([0x84, 0, 0, 0, 0x60, 0, 0x90, 0, 0, 0, 0, 0, 0, 0, 0x09]);
const RAKNET_ACK = Buffer.from([0xc0, 0, 1, 1, 0, 0, 0]);

test('RakNet: connected datagrams after Open Connection Reply 2 prove the round trip; pings never do', () => {
  const watch = new RakNetConnected();
  assert.equal(watch.fromClient(raknetPing()), false);
  watch.fromServer(Buffer.from([0x1c, 0, 0]));
  assert.equal(watch.fromClient(raknetPing()), false, 'a pong proves nothing');
  assert.equal(watch.fromClient(RAKNET_FRAME), false, 'connected datagrams before the server accepted the connection');
  watch.fromServer(Buffer.from([0x06, 1, 2, 3]));
  assert.equal(watch.fromClient(raknetOpenRequest2()), false);
  assert.equal(watch.fromClient(RAKNET_FRAME), false, 'Reply 1 is not enough');
  watch.fromServer(Buffer.from([0x08, 1, 2, 3]));
  assert.equal(watch.fromClient(raknetPing()), false, 'still unconnected');
  assert.equal(watch.fromClient(Buffer.alloc(0)), false);
  assert.equal(watch.fromClient(RAKNET_FRAME), true);
  const acking = new RakNetConnected();
  acking.fromServer(Buffer.from([0x08]));
  assert.equal(acking.fromClient(RAKNET_ACK), true);
});

/** The Query handshake reply: 09, session id, the token as decimal text, NUL. */
const queryChallenge = (token: string) => Buffer.concat([Buffer.from([0x09, 0, 0, 0, 1]), Buffer.from(`${token}\0`, 'latin1')]);

function queryStat(token: number, full = true): Buffer {
  const b = Buffer.from([0xfe, 0xfd, 0x00, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  b.writeInt32BE(token, 7);
  return full ? b : b.subarray(0, 11);
}

test('Minecraft Query: a stat request echoing the handshake token proves the round trip', () => {
  for (const token of [9513307, -1489184957, 0, 2147483647, -2147483648]) {
    const watch = new MinecraftQueryToken();
    assert.equal(watch.fromClient(queryStat(token)), false, 'no token handed out yet');
    watch.fromServer(queryChallenge(String(token)));
    assert.equal(watch.fromClient(queryStat((token + 1) | 0)), false);
    assert.equal(watch.fromClient(queryStat(token, false)), true, `basic stat with ${token}`);
  }
});

test('Minecraft Query: replies that are not a well-formed token hand out nothing', () => {
  for (const reply of [queryChallenge(''), queryChallenge('12a'), queryChallenge('-'), queryChallenge('123456789012'), Buffer.from([0x09, 0, 0, 0, 1, 0x31, 0x32]), Buffer.from([0x00, 0, 0, 0, 1, 0x31, 0])]) {
    const watch = new MinecraftQueryToken();
    watch.fromServer(reply);
    assert.equal(watch.fromClient(queryStat(12)), false, reply.toString('hex'));
    assert.equal(watch.fromClient(queryStat(1)), false, reply.toString('hex'));
    assert.equal(watch.fromClient(queryStat(0)), false, reply.toString('hex'));
  }
});

test('each mode gets its game\'s watch; FiveM, custom and none get none', () => {
  assert.ok(roundTripWatchFor('gmod') instanceof SourceChallenge);
  assert.ok(roundTripWatchFor('minecraft-bedrock') instanceof RakNetConnected);
  assert.ok(roundTripWatchFor('minecraft-java') instanceof MinecraftQueryToken);
  for (const mode of ['fivem', 'custom', 'none'] as const) assert.equal(roundTripWatchFor(mode), null);
});

test('random bytes both ways: no exception, and a client that saw no challenge proves nothing', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16) & 0xff;
  const datagram = () => Buffer.from(Array.from({ length: random() % 40 }, random));
  for (const mode of ['gmod', 'minecraft-bedrock', 'minecraft-java'] as const) {
    const fuzzed = roundTripWatchFor(mode)!;
    for (let i = 0; i < 20_000; i++) {
      fuzzed.fromServer(datagram());
      fuzzed.fromClient(datagram());
    }
    // Answers that hand out no challenge (an info reply, a pong, a stat reply all start otherwise).
    const watch = roundTripWatchFor(mode)!;
    let proved = 0;
    for (let i = 0; i < 20_000; i++) {
      watch.fromServer(Buffer.concat([Buffer.from([0x61]), datagram()]));
      if (watch.fromClient(datagram())) proved++;
    }
    assert.equal(proved, 0, mode);
  }
});
