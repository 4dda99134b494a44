import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLive, parseConntrackLine, parseConntrackList } from '../../../supervisor/kernel-path/conntrack-entries.js';
import { filterArgs } from '../../../supervisor/kernel-path/conntrack-client.js';
import { DeltaTracker } from '../../../supervisor/kernel-path/delta-tracker.js';
import { banChangeScript, netmaskOf } from '../../../supervisor/kernel-path/kernel-bans.js';
import { parseCounters, parseElements } from '../../../supervisor/kernel-path/nft-json.js';
import { readListing } from '../../../supervisor/kernel-path/nft-table.js';

const TCP = 'ipv4     2 tcp      6 431999 ESTABLISHED src=198.18.0.2 dst=198.18.0.1 sport=40000 dport=25565 packets=3 bytes=180 src=198.18.1.2 dst=198.18.1.1 sport=35565 dport=40000 packets=2 bytes=120 [ASSURED] mark=196608 delta-time=12 use=1 id=12345';
const UDP = 'ipv4     2 udp      17 28 src=198.18.0.2 dst=198.18.0.1 sport=5000 dport=19132 packets=1 bytes=29 [UNREPLIED] src=198.18.1.3 dst=198.18.1.1 sport=19132 dport=5000 packets=0 bytes=0 mark=65536 use=1 id=77';

describe('kernel readings', () => {
  it('reads a conntrack flow: client, origin, upstream, bytes each way, proxy number, age', () => {
    assert.deepEqual(parseConntrackLine(TCP), {
      id: 12345, protocol: 'tcp', state: 'ESTABLISHED', clientIp: '198.18.0.2', clientPort: 40000, originIp: '198.18.0.1', originPort: 25565,
      upstreamIp: '198.18.1.2', upstreamPort: 35565, bytesIn: 180, bytesOut: 120, proxyId: 3, timeoutS: 431999, ageS: 12,
    });
    const udp = parseConntrackLine(UDP)!;
    assert.deepEqual([udp.protocol, udp.state, udp.upstreamIp, udp.proxyId, udp.ageS], ['udp', '', '198.18.1.3', 1, null]);
  });

  it('keeps only RouteX flows, and a closed TCP connection is not live', () => {
    const other = TCP.replace('mark=196608', 'mark=51820');
    const closed = TCP.replace('ESTABLISHED', 'TIME_WAIT');
    const flows = parseConntrackList([TCP, other, closed, 'conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.'].join('\n'));
    assert.equal(flows.length, 2);
    assert.deepEqual(flows.map(isLive), [true, false]);
  });

  it('builds conntrack filters: the proxy mark always, ports only after the protocol', () => {
    assert.deepEqual(filterArgs({ proxyId: 3, family: 4, protocol: 'udp', upstream: '10.0.0.1', upstreamPort: 35565 }), ['-f', 'ipv4', '--mark', '196608/268369920', '-p', 'udp', '--reply-port-src', '35565', '-r', '10.0.0.1']);
    assert.deepEqual(filterArgs({ proxyId: 1, family: 6, client: '2001:db8::', clientMask: netmaskOf(32, 6) }), ['-f', 'ipv6', '--mark', '65536/268369920', '-s', '2001:db8::', '--mask-src', 'ffff:ffff:0:0:0:0:0:0']);
    assert.equal(netmaskOf(20, 4), '255.255.240.0');
  });

  it('reads nft counters and elements with their counters, ranges by their first address', () => {
    const counters = parseCounters('{"nftables": [{"metainfo": {}}, {"counter": {"family": "inet", "name": "p3_bytes_in", "table": "routex", "handle": 9, "packets": 4, "bytes": 900}}]}');
    assert.deepEqual([...counters], [['p3_bytes_in', { packets: 4, bytes: 900 }]]);
    const map = '{"nftables": [{"map": {"name": "p3_acl_proxy", "elem": [[{"elem": {"val": {"range": ["0.0.0.0", "9.255.255.255"]}, "counter": {"packets": 1, "bytes": 60}}}, {"continue": null}], [{"elem": {"val": {"prefix": {"addr": "10.0.0.0", "len": 8}}, "counter": {"packets": 2, "bytes": 120}}}, {"drop": null}]]}}]}';
    assert.deepEqual(parseElements(map).map((e) => [e.key, e.start, e.value, e.packets]), [['0.0.0.0-9.255.255.255', '0.0.0.0', 'continue', 1], ['10.0.0.0/8', '10.0.0.0', 'drop', 2]]);
    const slots = '{"nftables": [{"map": {"name": "p3_slots", "elem": [[{"concat": [25565, 0]}, {"concat": ["10.0.0.1", 35565]}], [1, {"concat": ["10.0.0.2", 35565]}]]}}]}';
    assert.deepEqual(parseElements(slots).map((e) => [e.key, e.value]), [['25565 . 0', '10.0.0.1 . 35565'], ['1', '10.0.0.2 . 35565']]);
    const dispatch = '{"nftables": [{"map": {"name": "nat_chains", "elem": [[196608, {"jump": {"target": "p3_nat"}}]]}}]}';
    assert.deepEqual(parseElements(dispatch).map((e) => [e.key, e.value]), [['196608', 'jump p3_nat']]);
  });

  it('reads which proxies a listed table holds, and its layout version', () => {
    const text = 'table inet routex { # handle 3\n\tcomment "v1"\n\tchain p3_admit { # handle 1\n\t\tcomment "proxy=mc layout=v1.3.ip4.fan.60.inc"\n\t}\n\tchain p4_admit { # handle 2\n\t}\n}';
    assert.deepEqual(readListing(text), { comment: 'v1', proxies: [{ id: 3, owner: { proxy: 'mc', layout: 'v1.3.ip4.fan.60.inc' } }, { id: 4, owner: null }] });
  });

  it('turns running totals into deltas, a reset counting anew', () => {
    const deltas = new DeltaTracker();
    assert.deepEqual([deltas.delta('x', 5), deltas.delta('x', 8), deltas.delta('x', 2)], [5, 3, 2]);
  });

  it('a ban change is one element, a replaced ban or an unban a delete first, an expiry nothing', () => {
    const ban = { target: '203.0.113.7/32', reason: '', source: 'api', node: null, createdAtMs: 0, expiresAtMs: 61_000 };
    assert.deepEqual(banChangeScript({ kind: 'added', ban }, [ban], undefined, 1000), ['add element inet routex bans4 { 203.0.113.7 timeout 60s }']);
    assert.deepEqual(banChangeScript({ kind: 'added', ban }, [ban], ban, 1000), ['delete element inet routex bans4 { 203.0.113.7 }', 'add element inet routex bans4 { 203.0.113.7 timeout 60s }']);
    assert.deepEqual(banChangeScript({ kind: 'removed', ban, cause: 'unbanned' }, [], undefined, 1000), ['delete element inet routex bans4 { 203.0.113.7 }']);
    assert.deepEqual(banChangeScript({ kind: 'removed', ban, cause: 'expired' }, [], undefined, 1000), []);
    const net = { ...ban, target: '198.51.100.0/24', expiresAtMs: null };
    assert.deepEqual(banChangeScript({ kind: 'added', ban: net }, [net], undefined, 1000), ['flush set inet routex ban_nets4', 'add element inet routex ban_nets4 { 198.51.100.0-198.51.100.255 }']);
  });
});
