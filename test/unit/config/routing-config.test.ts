import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseProxyConfig } from '../../../shared/config/load-proxy.js';
import { globalConfig, lines, onlyIssue, parseProxy, validProxy, MINIMAL_PROXY } from './config-fixtures.js';

const ROUTE_A = { hosts: ['a.example.net', '*.a.example.net'], 'dest-ip': '10.0.0.5', 'dest-port': '25565' };
const ROUTE_B = { name: 'bees', hosts: ['B.Example.NET.'], 'dest-ip': '10.0.0.6, 10.0.0.7', 'dest-port': 25566 };

/** A 64×64 (or other size) PNG header: enough for the checks, which read the signature and IHDR. */
function pngHeader(width = 64, height = 64): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

describe('routing config: routes', () => {
  it('resolves routes with normalised hosts, their own upstreams and the proxy as the default route', () => {
    const config = validProxy({ routing: { by: 'minecraft-host', unknown: 'reject' }, routes: [ROUTE_A, ROUTE_B] });
    assert.equal(config.routing.by, 'minecraft-host');
    assert.equal(config.routing.rejectUnknown, true);
    assert.equal(config.routing.handshakeTimeoutMs, 10_000);
    assert.deepEqual(
      config.routing.routes.map((r) => [r.name, r.hosts, r.upstreams.map((u) => `${u.ip}:${u.port}`)]),
      [
        ['a.example.net', ['a.example.net', '*.a.example.net'], ['10.0.0.5:25565']],
        ['bees', ['b.example.net'], ['10.0.0.6:25566', '10.0.0.7:25566']],
      ],
    );
    assert.deepEqual(config.upstreams.map((u) => `${u.ip}:${u.port}`), ['10.0.0.1:35565']);
  });

  it('gives each route its own balancing and weights, and health fields inherited route → proxy → global', () => {
    const config = validProxy(
      {
        routing: { by: 'tls-sni' },
        load_balancing: { health_check: { interval: '4s', failures_before_eject: 5 } },
        routes: [{ ...ROUTE_B, load_balancing: { algorithm: 'weighted', upstream_weights: { '10.0.0.7': 3 }, health_check: { timeout: '1s' } } }],
      },
      globalConfig('timezone: UTC\ndefaults: {health_check_passes_before_readmit: 4}\n'),
    );
    const route = config.routing.routes[0]!;
    assert.equal(route.balancing.algorithm, 'weighted');
    assert.deepEqual(route.upstreams.map((u) => u.weight), [1, 3]);
    assert.deepEqual(route.health, { intervalMs: 4000, timeoutMs: 1000, failuresBeforeEject: 5, passesBeforeReadmit: 4 });
  });

  it('refuses a host served by two routes, naming the first', () => {
    const result = parseProxy({ routing: { by: 'minecraft-host' }, routes: [ROUTE_A, { ...ROUTE_B, hosts: ['A.example.net.'] }] });
    assert.equal(onlyIssue(result), 'routes[1].hosts[0]: "A.example.net." is already served by routes[0].hosts[0]');
  });

  it('refuses bad host names and wildcards anywhere but the first label', () => {
    const result = parseProxy({ routing: { by: 'minecraft-host' }, routes: [{ ...ROUTE_A, hosts: ['a.*.net', 'bad host', ''] }] });
    assert.deepEqual(lines(result.issues), [
      'routes[0].hosts[0]: "a.*.net": a wildcard is only allowed as the whole first label, like "*.example.net"',
      'routes[0].hosts[1]: "bad host" is not a host name: "bad host" is not a valid label (letters, digits, "-", "_"; 1-63 characters)',
      'routes[0].hosts[2]: must be a host name like "play.example.net" or a wildcard like "*.example.net"',
    ]);
  });

  it('refuses routes without a routing key, with one-to-one, or on a UDP-only proxy', () => {
    assert.equal(onlyIssue(parseProxy({ routes: [ROUTE_A] })), 'routes: are only used with routing.by minecraft-host or tls-sni, and routing.by is none');
    assert.equal(
      onlyIssue(parseProxy({ routing: { by: 'tls-sni' }, routes: [ROUTE_A], 'one-to-one': true })),
      'one-to-one: cannot be combined with routes: each route has its own dest ports',
    );
    assert.equal(onlyIssue(parseProxy({ protocol: 'udp', routing: { by: 'minecraft-host' }, routes: [ROUTE_A] })), 'routing.by: reads the first bytes of TCP connections, and this proxy is udp only');
  });

  it('refuses the reserved and repeated route names', () => {
    const result = parseProxy({ routing: { by: 'tls-sni' }, routes: [{ ...ROUTE_A, name: 'default' }, ROUTE_B, { ...ROUTE_A, hosts: ['c.net'], name: 'bees' }] });
    assert.deepEqual(lines(result.issues), [
      'routes[0].name: "default" names the top-level destination; choose another route name',
      'routes[2].name: route name "bees" is already used by routes[1]',
    ]);
  });

  it('checks a route\'s pool like the proxy\'s own: wildcard upstream, weights, health timing', () => {
    const result = parseProxy({
      routing: { by: 'tls-sni' },
      load_balancing: { health_check: { timeout: '3s' } },
      routes: [{ ...ROUTE_B, 'dest-ip': '0.0.0.0' }, { ...ROUTE_A, load_balancing: { upstream_weights: { '10.0.0.9': 2 }, health_check: { interval: '2s' } } }],
    });
    assert.deepEqual(lines(result.issues), [
      'routes[0].dest-ip: "0.0.0.0" means "any address" and cannot be an upstream: write the upstream\'s own IP',
      'routes[1].load_balancing.upstream_weights["10.0.0.9"]: 10.0.0.9 is not one of the dest-ip addresses (10.0.0.5)',
      "routes[1].load_balancing.health_check.interval: the route's health check timeout (3000 ms) must be less than its interval (2000 ms); absent fields come from the proxy's load_balancing.health_check, then global defaults",
    ]);
  });

  it('refuses unknown keys inside a route', () => {
    assert.equal(onlyIssue(parseProxy({ routing: { by: 'tls-sni' }, routes: [{ ...ROUTE_A, dest_ip: '1.2.3.4' }] })), 'routes[0].dest_ip: unknown key "dest_ip" (did you mean "dest-ip"?)');
  });

  it('refuses tls.sni_routing together with minecraft-host routing', () => {
    assert.equal(
      onlyIssue(parseProxy({ tls: { sni_routing: true }, routing: { by: 'minecraft-host' }, routes: [ROUTE_A] })),
      'tls.sni_routing: true asks for routing by TLS SNI, but routing.by is minecraft-host: keep one of them',
    );
  });

  it('needs a handshake timeout above 0', () => {
    assert.equal(onlyIssue(parseProxy({ routing: { handshake_timeout: 0 } })), 'routing.handshake_timeout: must be more than 0');
  });

  it('warns that unknown: reject does nothing without a routing key', () => {
    assert.deepEqual(lines(parseProxy({ routing: { unknown: 'reject' } }).warnings), ['routing.unknown: reject is only used when routing.by is minecraft-host or tls-sni']);
  });
});

describe('routing config: answers', () => {
  it('resolves the caches and the offline status with their defaults', () => {
    const config = validProxy({ protocol: 'tcp-udp', status_cache: { enabled: true }, a2s_cache: { enabled: true, ttl: '2s', rules: false } });
    assert.deepEqual(config.statusCache, { enabled: true, ttlMs: 5000, maxEntries: 32 });
    assert.deepEqual(config.a2sCache, { enabled: true, ttlMs: 2000, players: true, rules: false });
    assert.deepEqual(config.offlineStatus, {
      enabled: false,
      motd: 'Server offline',
      versionName: 'Offline',
      versionProtocol: null,
      maxPlayers: 0,
      favicon: null,
      disconnectMessage: 'The server is offline. Please try again later.',
    });
  });

  it('needs a ttl above 0 for each enabled cache', () => {
    assert.deepEqual(lines(parseProxy({ protocol: 'udp', status_cache: { enabled: true, ttl: 0 }, a2s_cache: { enabled: true, ttl: '0s' } }).issues), [
      'status_cache.ttl: must be more than 0 when status_cache is enabled',
      'a2s_cache.ttl: must be more than 0 when a2s_cache is enabled',
    ]);
  });

  it('refuses answers the proxy\'s traffic cannot carry', () => {
    assert.equal(onlyIssue(parseProxy({ a2s_cache: { enabled: true } })), 'a2s_cache.enabled: answers Source queries, which arrive over UDP, and this proxy is tcp only');
    assert.equal(
      onlyIssue(parseProxy({ routing: { by: 'tls-sni' }, routes: [ROUTE_A], status_cache: { enabled: true } })),
      'status_cache.enabled: answers Minecraft pings, but this proxy routes TLS (routing.by is tls-sni) and has no UDP listener for Bedrock',
    );
  });

  it('warns when an offline status is written but not enabled', () => {
    assert.deepEqual(lines(parseProxy({ offline_status: { motd: 'Down' } }).warnings), ['offline_status.enabled: is false, so the offline status below is never shown']);
    assert.deepEqual(parseProxy({ offline_status: { enabled: false } }).warnings, []);
  });

  it('reads a 64×64 PNG favicon relative to the proxy file into a data URI', (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rx-favicon-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'icon.png'), pngHeader());
    writeFileSync(path.join(dir, 'wide.png'), pngHeader(128, 64));
    writeFileSync(path.join(dir, 'text.png'), 'not a png at all, but long enough');
    const parse = (favicon: string) =>
      parseProxyConfig(stringify({ ...MINIMAL_PROXY, offline_status: { enabled: true, favicon } }), path.join(dir, 'p.yaml'), globalConfig());
    assert.equal(parse('icon.png').config?.offlineStatus.favicon, `data:image/png;base64,${pngHeader().toString('base64')}`);
    assert.equal(onlyIssue(parse('wide.png')), `offline_status.favicon: ${dir}/wide.png is 128×64; Minecraft shows only 64×64 favicons`);
    assert.equal(onlyIssue(parse('text.png')), `offline_status.favicon: ${dir}/text.png is not a PNG image`);
    assert.equal(onlyIssue(parse('missing.png')), `offline_status.favicon: cannot read ${dir}/missing.png (ENOENT)`);
  });

  it('needs an absolute favicon path where the config has no folder (the API)', () => {
    const result = parseProxyConfig(stringify({ ...MINIMAL_PROXY, offline_status: { enabled: true, favicon: 'icon.png' } }), '<api>', globalConfig());
    assert.equal(onlyIssue(result), 'offline_status.favicon: "icon.png" is relative, and this config has no folder to resolve it from: write an absolute path');
  });
});
