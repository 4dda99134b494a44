import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectRakNet } from '../../../proxy-worker/l7/detectors/raknet.js';
import { inspectSourceQuery } from '../../../proxy-worker/l7/detectors/source-query.js';
import { inspectSourceRcon } from '../../../proxy-worker/l7/detectors/source-rcon.js';
import { inspectHttpRequestLine } from '../../../proxy-worker/l7/detectors/http-request-line.js';
import { inspectFivemUdp } from '../../../proxy-worker/l7/detectors/fivem-udp.js';
import {
  a2sInfo, a2sPlayer, enetConnect, fivemGetInfo, raknetOpenRequest1, raknetOpenRequest2, raknetPing, rconAuth, sourceGetChallenge,
} from '../../helpers/game-packets.js';

const datagram = (inspect: (b: Uint8Array, s: number, e: number) => string) => (bytes: Buffer) => inspect(bytes, 0, bytes.length);
const raknet = datagram(inspectRakNet);
const source = datagram(inspectSourceQuery);
const fivem = datagram(inspectFivemUdp);

test('RakNet: unconnected pings and open connection requests pass', () => {
  assert.equal(raknet(raknetPing(0x01)), 'pass');
  assert.equal(raknet(raknetPing(0x02)), 'pass');
  assert.equal(raknet(raknetOpenRequest1(1464)), 'pass');
  assert.equal(raknet(raknetOpenRequest1(576)), 'pass');
  assert.equal(raknet(raknetOpenRequest2()), 'pass');
});

test('RakNet: the magic must be at the offset of its id', () => {
  const ping = raknetPing();
  ping[9] = 0x01;
  assert.equal(raknet(ping), 'invalid_protocol');
  const request = raknetOpenRequest1();
  request[16] = 0x00;
  assert.equal(raknet(request), 'invalid_protocol');
  // A ping's layout under an open-connection id: the magic is not at offset 1.
  const moved = raknetPing();
  moved[0] = 0x05;
  assert.equal(raknet(moved), 'invalid_protocol');
});

test('RakNet: connected datagrams cannot start a session but are not offences', () => {
  assert.equal(raknet(Buffer.from([0x84, 0, 0, 0, 0x40, 0, 0x90])), 'stray');
  assert.equal(raknet(Buffer.from([0xc0, 0, 1, 1, 0, 0, 0])), 'stray');
  assert.equal(raknet(Buffer.from([0xa0, 0, 1, 1, 0, 0, 0])), 'stray');
});

test('RakNet: other ids and short or oversized offline messages are refused', () => {
  assert.equal(raknet(Buffer.from('GET / HTTP/1.1\r\n')), 'invalid_protocol');
  assert.equal(raknet(Buffer.alloc(40)), 'invalid_protocol');
  assert.equal(raknet(raknetPing().subarray(0, 20)), 'payload_too_small');
  assert.equal(raknet(raknetOpenRequest1(1600)), 'payload_too_large');
  assert.equal(raknet(Buffer.alloc(0)), 'payload_too_small');
});

test('Source: A2S info (with and without challenge), player, rules and connect requests pass', () => {
  assert.equal(source(a2sInfo()), 'pass');
  assert.equal(source(a2sInfo(0x12345678)), 'pass');
  assert.equal(source(a2sPlayer(-1)), 'pass');
  assert.equal(source(a2sPlayer(0x1234, 0x56)), 'pass');
  assert.equal(source(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x57])), 'pass');
  assert.equal(source(sourceGetChallenge()), 'pass');
});

test('Source: unknown types, wrong query text and split packets from a client are invalid', () => {
  assert.equal(source(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x42, 1, 2, 3])), 'invalid_protocol');
  const wrongText = a2sInfo();
  wrongText[10] = 0x78;
  assert.equal(source(wrongText), 'invalid_protocol');
  assert.equal(source(Buffer.concat([Buffer.from([0xfe, 0xff, 0xff, 0xff]), Buffer.alloc(20)])), 'invalid_protocol');
  assert.equal(source(a2sPlayer(-1).subarray(0, 7)), 'payload_too_small');
  assert.equal(source(Buffer.concat([a2sPlayer(-1), Buffer.alloc(1)])), 'payload_too_large');
});

test('Source: netchannel traffic cannot start a session but is not an offence', () => {
  assert.equal(source(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7])), 'stray');
  assert.equal(source(Buffer.from([1, 2, 3])), 'invalid_protocol');
});

test('Source RCON over TCP: an auth packet passes, other types and bad framing do not', () => {
  const auth = rconAuth('hunter2');
  assert.equal(inspectSourceRcon(auth, 0, auth.length, false), 'pass');
  for (let n = 0; n < auth.length; n++) assert.equal(inspectSourceRcon(auth, 0, n, false), 'need-more', `prefix ${n}`);
  const exec = Buffer.from(auth);
  exec.writeInt32LE(2, 8);
  assert.equal(inspectSourceRcon(exec, 0, exec.length, false), 'invalid_protocol');
  const huge = Buffer.alloc(12);
  huge.writeInt32LE(100_000, 0);
  assert.equal(inspectSourceRcon(huge, 0, huge.length, false), 'payload_too_large');
  const early = Buffer.from(auth);
  early[13] = 0;
  assert.equal(inspectSourceRcon(early, 0, early.length, false), 'invalid_protocol');
});

test('FiveM over TCP: HTTP request lines pass, byte by byte; junk fails at its first byte', () => {
  for (const line of ['GET /info.json HTTP/1.1\r\n', 'POST /client HTTP/1.1\r\n', 'HEAD / HTTP/1.0\r\n', 'GET http://x/ HTTP/1.1\r\n']) {
    const bytes = Buffer.from(line);
    assert.equal(inspectHttpRequestLine(bytes, 0, bytes.length, false), 'pass', line);
    for (let n = 0; n < bytes.length; n++) assert.equal(inspectHttpRequestLine(bytes, 0, n, false), 'need-more', `${line} prefix ${n}`);
  }
  const check = (text: string) => inspectHttpRequestLine(Buffer.from(text), 0, text.length, false);
  assert.equal(check('\x16\x03\x01'), 'invalid_protocol');
  assert.equal(check('DELETE / HTTP/1.1\r\n'), 'invalid_protocol');
  assert.equal(check('GET /a b HTTP/1.1\r\n'), 'invalid_protocol');
  assert.equal(check('GET / HTTP/2.0\r\n'), 'invalid_protocol');
  assert.equal(check('GET / HTTP/1.1\n'), 'invalid_protocol');
  assert.equal(check(`GET /${'a'.repeat(5000)}`), 'payload_too_large');
});

test('FiveM over UDP: out-of-band commands and ENet CONNECT pass; numbered peers are stray', () => {
  assert.equal(fivem(fivemGetInfo()), 'pass');
  assert.equal(fivem(enetConnect()), 'pass');
  assert.equal(fivem(enetConnect(true)), 'pass');
  const numbered = enetConnect();
  numbered[0] = 0x80;
  numbered[1] = 0x05;
  assert.equal(fivem(numbered), 'stray');
  assert.equal(fivem(Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([1, 2, 3])])), 'invalid_protocol');
  const notConnect = enetConnect();
  notConnect[4] = 0x86;
  assert.equal(fivem(notConnect), 'invalid_protocol');
  assert.equal(fivem(Buffer.from([0x0f, 0xff])), 'payload_too_small');
});
