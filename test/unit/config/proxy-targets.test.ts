import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validProxy } from './config-fixtures.js';

describe('listeners', () => {
  it('opens one listener per origin IP and port, IP-major', () => {
    const config = validProxy({ 'origin-ip': '127.0.0.1, ::1', 'origin-port': '25565:25566' });
    assert.deepEqual(
      config.listeners.map((l) => `${l.ip} ${l.port} ${l.protocol} g${l.group}`),
      ['127.0.0.1 25565 tcp g0', '127.0.0.1 25566 tcp g0', '::1 25565 tcp g0', '::1 25566 tcp g0'],
    );
  });

  it('opens a TCP and a UDP listener per ip:port for tcp-udp', () => {
    const config = validProxy({ protocol: 'tcp-udp', 'origin-port': '27015,27016' });
    assert.deepEqual(
      config.listeners.map((l) => `${l.port}/${l.protocol}`),
      ['27015/tcp', '27015/udp', '27016/tcp', '27016/udp'],
    );
  });

  it('opens only UDP listeners for udp', () => {
    assert.deepEqual(validProxy({ protocol: 'udp' }).listeners.map((l) => l.protocol), ['udp']);
  });
});

describe('upstreams and groups', () => {
  it('fans every listener out to every dest IP × dest port', () => {
    const config = validProxy({ 'origin-port': '25565:25567', 'dest-ip': '10.0.0.1, 10.0.0.2', 'dest-port': '35565:35566' });
    assert.deepEqual(
      config.upstreams.map((u) => `${u.ip}:${u.port}`),
      ['10.0.0.1:35565', '10.0.0.1:35566', '10.0.0.2:35565', '10.0.0.2:35566'],
    );
    assert.deepEqual(config.upstreamGroups, [[0, 1, 2, 3]]);
    assert.deepEqual(config.listeners.map((l) => l.group), [0, 0, 0]);
  });

  it('pairs origin port k with dest port k on every dest IP in one-to-one mode', () => {
    const config = validProxy({
      'one-to-one': true,
      protocol: 'tcp-udp',
      'origin-port': '25565:25567',
      'dest-ip': '10.0.0.1, 10.0.0.2',
      'dest-port': '35565:35567',
    });
    assert.deepEqual(
      config.upstreams.map((u) => `${u.ip}:${u.port}`),
      ['10.0.0.1:35565', '10.0.0.1:35566', '10.0.0.1:35567', '10.0.0.2:35565', '10.0.0.2:35566', '10.0.0.2:35567'],
    );
    assert.deepEqual(config.upstreamGroups, [[0, 3], [1, 4], [2, 5]]);
    assert.deepEqual(
      config.listeners.map((l) => `${l.port}/${l.protocol} g${l.group}`),
      ['25565/tcp g0', '25565/udp g0', '25566/tcp g1', '25566/udp g1', '25567/tcp g2', '25567/udp g2'],
    );
  });

  it('follows the written order of port lists when pairing', () => {
    const config = validProxy({ 'one-to-one': true, 'origin-port': '25566,25565', 'dest-port': '35565,35566' });
    const pairs = config.listeners.map((l) => `${l.port}->${config.upstreams[config.upstreamGroups[l.group]?.[0] ?? -1]?.port}`);
    assert.deepEqual(pairs, ['25566->35565', '25565->35566']);
  });
});

describe('upstream weights', () => {
  const base = { 'dest-ip': '10.0.0.1, 10.0.0.2', 'dest-port': '35565:35566' };
  const weightsOf = (upstream_weights: Record<string, number>): string[] =>
    validProxy({ ...base, load_balancing: { algorithm: 'weighted', upstream_weights } }).upstreams.map((u) => `${u.ip}:${u.port}=${u.weight}`);

  it('weighs every upstream 1 when no weights are given', () => {
    assert.deepEqual(weightsOf({}), ['10.0.0.1:35565=1', '10.0.0.1:35566=1', '10.0.0.2:35565=1', '10.0.0.2:35566=1']);
  });

  it('applies an IP key to every upstream on that IP', () => {
    assert.deepEqual(weightsOf({ '10.0.0.1': 3 }), ['10.0.0.1:35565=3', '10.0.0.1:35566=3', '10.0.0.2:35565=1', '10.0.0.2:35566=1']);
  });

  it('lets an ip:port key win over its IP key', () => {
    assert.deepEqual(weightsOf({ '10.0.0.1': 3, '10.0.0.1:35566': 7 }), ['10.0.0.1:35565=3', '10.0.0.1:35566=7', '10.0.0.2:35565=1', '10.0.0.2:35566=1']);
  });

  it('matches IPv6 keys in any spelling', () => {
    const config = validProxy({ 'dest-ip': '2001:db8::1', load_balancing: { algorithm: 'weighted', upstream_weights: { '[2001:DB8:0::1]:35565': 4 } } });
    assert.deepEqual(config.upstreams, [{ ip: '2001:db8::1', port: 35565, weight: 4 }]);
  });
});
