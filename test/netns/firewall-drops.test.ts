// Packets really drop: a flooder in a second namespace is cut by the kernel while a normal client
// from another address (the test process) still gets through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTcpBackend, startUdpBackend, type TcpBackend, type UdpBackend } from '../helpers/backends.js';
import { startFirewallSupervisor } from '../helpers/firewall-lab.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { ADMIN_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { TRAFFIC_CLIENT } from '../helpers/traffic-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { spawnSync } from 'node:child_process';
import { csvRecords, parseInflux, parsePrometheus, promSum } from '../helpers/metrics-parsers.js';

const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('hping3', 'hping3');

describe('rate limits drop real packets (network namespaces)', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  let tcpBackend: TcpBackend;
  let udpBackend: UdpBackend;
  /** The proxy box as the flooder in `cli` sees it, and as the normal client (this process) does. */
  let fromCli: string;
  let fromHost: string;

  const dropped = async (proxy: string, kind: string): Promise<{ packets: number; bytes: number }> => {
    const reply = await sup.api('GET', `/api/proxies/${proxy}/ratelimits`, { key: ADMIN_KEY });
    return reply.body.dropped.by_kind[kind] ?? { packets: 0, bytes: 0 };
  };
  const fromNamespace = async (options: object): Promise<any> => {
    const result = await lab.exec('cli', process.execPath, [TRAFFIC_CLIENT, JSON.stringify(options)]);
    assert.equal(result.exitCode, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv', 'cli'], links: [['srv', 'cli'], ['srv', 'host']] });
    fromCli = lab.ip('srv', 'cli');
    fromHost = lab.ip('srv', 'host');
    tcpBackend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    udpBackend = await startUdpBackend({ host: lab.ip('host', 'srv') });
    const proxy = (name: string, port: number, protocol: 'tcp' | 'udp', backendPort: number, limits: string): string =>
      proxyYaml({ name, originIps: '0.0.0.0', originPorts: [port], destIps: lab.ip('host', 'srv'), destPorts: [backendPort], protocol, extra: `rate_limits:\n  ${limits}` });
    sup = await startFirewallSupervisor(lab, 'srv', {
      proxies: {
        'syn.yaml': proxy('syn', 25565, 'tcp', tcpBackend.port, 'tcp_syn_rate_per_ip: 10'),
        'conn.yaml': proxy('conn', 25566, 'tcp', tcpBackend.port, 'max_simultaneous_conns_per_ip: 10'),
        'udp.yaml': proxy('udp', 27015, 'udp', udpBackend.port, 'udp_pps_per_ip: 100'),
      },
      waitForRunning: ['syn', 'conn', 'udp'],
    });
    await waitFor('the kernel rules', async () => (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body.proxies.every((p: any) => p.iptables.state === 'installed'));
  });
  after(async () => {
    await sup?.stop('SIGKILL');
    await lab?.destroy();
    await tcpBackend?.close();
    await udpBackend?.close();
  });

  it('tcp_syn_rate_per_ip 10: a burst of 2,000 SYNs is ≥ 95 % dropped while a client from another address connects', async (t) => {
    const flood = lab.exec('cli', 'hping3', ['-q', '-S', '-p', '25565', '-c', '2000', '-i', 'u100', fromCli]);
    const normal: string[] = [];
    for (let i = 0; i < 5; i++) {
      const client = await TcpClient.connect(25565, { host: fromHost });
      client.write(`hello ${i}`);
      await client.waitForText(`hello ${i}`, 3000);
      normal.push('ok');
      client.destroy();
    }
    const result = await flood;
    assert.match(result.stdout + result.stderr, /2000 packets transmitted/);
    const drops = await dropped('syn', 'syn_rate');
    const share = drops.packets / 2000;
    t.diagnostic(`SYN flood: ${drops.packets} of 2000 dropped (${(share * 100).toFixed(1)} %), 5 of 5 normal connections served`);
    assert.ok(share >= 0.95, `dropped ${drops.packets} of 2000 SYNs (${(share * 100).toFixed(1)} %)`);
    assert.ok(drops.bytes >= drops.packets * 40);
    assert.deepEqual(normal, ['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('max_simultaneous_conns_per_ip 10: of 20 parallel connections from one address, 10 succeed', async (t) => {
    const result = await fromNamespace({ mode: 'tcp-parallel', host: fromCli, port: 25566, count: 20, waitMs: 1500 });
    t.diagnostic(`20 parallel connections: ${result.connected} connected, ${result.echoed} echoed`);
    assert.deepEqual(result, { connected: 10, echoed: 10 });
    assert.ok((await dropped('conn', 'conn_per_ip')).packets >= 10, 'the 10 refused SYNs were dropped by the kernel');
    // The limit refuses new connections only: another address is not affected.
    const client = await TcpClient.connect(25566, { host: fromHost });
    client.write('still');
    await client.waitForText('still', 3000);
    client.destroy();
  });

  it('udp_pps_per_ip 100: a 1,000 datagram/s burst is cut to the rate', async (t) => {
    const before = udpBackend.received;
    const result = await fromNamespace({ mode: 'udp-burst', host: fromCli, port: 27015, count: 1000, perTick: 50, tickMs: 50 });
    const seconds = result.elapsedMs / 1000;
    // One second's worth of burst, then 100 per second.
    const allowed = 100 + 100 * seconds;
    const drops = await dropped('udp', 'udp_pps');
    await waitFor('the passed datagrams to reach the backend', () => udpBackend.received - before + drops.packets >= 1000 * 0.98);
    const passed = udpBackend.received - before;
    t.diagnostic(`UDP burst: ${passed} of 1000 passed in ${seconds.toFixed(2)} s (rate allows ${allowed.toFixed(0)}), ${drops.packets} dropped`);
    assert.ok(passed <= allowed * 1.15 + 5 && passed >= allowed * 0.75, `${passed} datagrams passed in ${seconds.toFixed(2)} s; the rate allows ${allowed.toFixed(0)}`);
    assert.equal(drops.packets + passed, 1000, `${drops.packets} dropped by the kernel + ${passed} passed`);
  });

  it('the drops are metrics in all four formats, from the kernel\'s counters, and promtool finds nothing wrong', async () => {
    const api = await dropped('syn', 'syn_rate');
    const get = async (format: string): Promise<string> => (await sup.api('GET', `/metrics?format=${format}`, { key: ADMIN_KEY })).text;
    const prom = await get('prometheus');
    const promPackets = promSum(parsePrometheus(prom), 'routex_iptables_dropped_packets_total', { proxy: 'syn', kind: 'syn_rate' });
    // The kernel may have dropped a few more (RSTs, retransmits) since the API call: never fewer.
    assert.ok(promPackets >= api.packets && promPackets >= 1900, `${promPackets} dropped SYNs in Prometheus`);
    const json = JSON.parse(await get('json'));
    assert.ok(json.proxies.find((p: any) => p.proxy === 'syn').iptables.syn_rate.dropped_packets >= api.packets);
    assert.ok(json.proxies.find((p: any) => p.proxy === 'conn').iptables.conn_per_ip.dropped_packets >= 10);
    const influx = parseInflux(await get('influx')).find((l) => l.measurement === 'routex_iptables' && l.tags['kind'] === 'udp_pps');
    assert.ok(influx!.fields['dropped_packets']! >= 700);
    const csv = csvRecords(await get('csv')).find((r) => r.scope === 'iptables' && r.proxy === 'syn' && r.kind === 'syn_rate');
    assert.ok(Number(csv!.value) >= api.packets);
    if (missingTool('promtool', 'prometheus') === false) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: prom, encoding: 'utf8' });
      assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
      assert.equal(`${check.stdout}${check.stderr}`.trim(), '');
    }
  });
});
