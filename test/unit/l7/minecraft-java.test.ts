import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectMinecraftJava, MAX_HANDSHAKE_LENGTH } from '../../../proxy-worker/l7/detectors/minecraft-java.js';
import { inspectMinecraftQuery } from '../../../proxy-worker/l7/detectors/minecraft-query.js';
import { javaHandshake, legacyPing, minecraftQueryHandshake, minecraftQueryStat, varInt } from '../../helpers/game-packets.js';

const whole = (bytes: Buffer) => inspectMinecraftJava(bytes, 0, bytes.length, false);

test('a handshake passes for status, login and transfer (next state 1, 2, 3)', () => {
  for (const nextState of [1, 2, 3]) assert.equal(whole(javaHandshake({ nextState })), 'pass', `next state ${nextState}`);
});

test('a handshake with protocol -1, an empty host or a maximal host passes', () => {
  assert.equal(whole(javaHandshake({ protocol: -1 })), 'pass');
  assert.equal(whole(javaHandshake({ host: '' })), 'pass');
  assert.equal(whole(javaHandshake({ host: 'a'.repeat(255) })), 'pass');
});

test('Forge markers and ///-forwarding suffixes after the host are allowed', () => {
  assert.equal(whole(javaHandshake({ host: 'mc.example.net\0FML3\0' })), 'pass');
  assert.equal(whole(javaHandshake({ host: 'mc.example.net\0FML\0' })), 'pass');
  assert.equal(whole(javaHandshake({ host: `mc.example.net///203.0.113.9:51234///${Date.now()}` })), 'pass');
  assert.equal(whole(javaHandshake({ host: `${'a'.repeat(255)}\0FML2\0` })), 'pass');
});

test('a host over 255 bytes, or with control characters, is invalid', () => {
  assert.equal(whole(javaHandshake({ host: 'a'.repeat(256) })), 'invalid_protocol');
  assert.equal(whole(javaHandshake({ host: 'mc.exa\nmple.net' })), 'invalid_protocol');
});

test('a next state other than 1, 2 or 3 is invalid', () => {
  for (const nextState of [0, 4, 127]) assert.equal(whole(javaHandshake({ nextState })), 'invalid_protocol');
});

test('a wrong packet id, or a length that disagrees with the content, is invalid', () => {
  const packet = javaHandshake();
  const wrongId = Buffer.from(packet);
  wrongId[1] = 0x01;
  assert.equal(whole(wrongId), 'invalid_protocol');
  // One byte too long a declared length: the packet ends with a stray byte inside it.
  const longer = Buffer.concat([varInt(packet[0]! + 1), packet.subarray(1), Buffer.from([0])]);
  assert.equal(whole(longer), 'invalid_protocol');
});

test('the bytes after the handshake (status request, login start) are not inspected', () => {
  const handshake = javaHandshake({ nextState: 2 });
  assert.equal(whole(Buffer.concat([handshake, Buffer.from([0x01, 0x00]), Buffer.from('garbage after')])), 'pass');
});

test('a declared length over the cap is payload_too_large at once', () => {
  assert.equal(whole(varInt(MAX_HANDSHAKE_LENGTH + 1)), 'payload_too_large');
});

test('a length prefix of more than 3 VarInt bytes, or a tiny length, is invalid', () => {
  assert.equal(whole(Buffer.from([0x80, 0x80, 0x80, 0x01])), 'invalid_protocol');
  assert.equal(whole(Buffer.from([0x02, 0x00, 0x00])), 'invalid_protocol');
});

test('every prefix of a valid handshake asks for more, or is too small when the client ended', () => {
  const packet = javaHandshake({ nextState: 2 });
  for (let n = 0; n < packet.length; n++) {
    assert.equal(inspectMinecraftJava(packet, 0, n, false), 'need-more', `prefix ${n}`);
    assert.equal(inspectMinecraftJava(packet, 0, n, true), 'payload_too_small', `ended after ${n}`);
  }
});

test('a wrong packet id is refused before the rest of the packet arrives', () => {
  const packet = javaHandshake();
  const wrongId = Buffer.from(packet);
  wrongId[1] = 0x05;
  assert.equal(inspectMinecraftJava(wrongId, 0, 2, false), 'invalid_protocol');
});

test('the detector reads from a start offset (bytes before it belong to an earlier step)', () => {
  const packet = Buffer.concat([Buffer.from('PROXY-HEADER'), javaHandshake()]);
  assert.equal(inspectMinecraftJava(packet, 12, packet.length, false), 'pass');
});

test('the 1.6 legacy ping FE 01 FA passes as its own grammar', () => {
  assert.equal(whole(legacyPing()), 'pass');
  assert.equal(whole(legacyPing('mc.example.net', 25565, 74)), 'pass');
  const ping = legacyPing();
  for (let n = 1; n < ping.length; n++) assert.equal(inspectMinecraftJava(ping, 0, n, false), 'need-more', `prefix ${n}`);
});

test('a legacy ping with a wrong marker or a payload length that disagrees is invalid', () => {
  assert.equal(whole(Buffer.from([0xfe, 0x02])), 'invalid_protocol');
  assert.equal(whole(Buffer.from([0xfe, 0x01, 0xfb])), 'invalid_protocol');
  const ping = legacyPing();
  ping[28] = 0x7f; // payload length low byte
  assert.equal(whole(ping), 'invalid_protocol');
});

test('UDP query: handshake and basic/full stat pass, anything else does not', () => {
  const udp = (bytes: Buffer) => inspectMinecraftQuery(bytes, 0, bytes.length);
  assert.equal(udp(minecraftQueryHandshake()), 'pass');
  assert.equal(udp(Buffer.concat([minecraftQueryHandshake(), Buffer.alloc(4)])), 'pass', "gamedig's handshake, padded to 11 bytes");
  assert.equal(udp(Buffer.concat([minecraftQueryHandshake(), Buffer.alloc(2)])), 'invalid_protocol');
  assert.equal(udp(Buffer.concat([minecraftQueryHandshake(), Buffer.alloc(5)])), 'payload_too_large');
  assert.equal(udp(minecraftQueryStat(false)), 'pass');
  assert.equal(udp(minecraftQueryStat(true)), 'pass');
  assert.equal(udp(Buffer.from([0xfe, 0xfd, 0x09])), 'payload_too_small');
  assert.equal(udp(Buffer.from([0xfe, 0xfd, 0x07, 0, 0, 0, 1])), 'invalid_protocol');
  assert.equal(udp(javaHandshake()), 'invalid_protocol');
  assert.equal(udp(Buffer.concat([minecraftQueryStat(true), Buffer.alloc(10)])), 'payload_too_large');
});
