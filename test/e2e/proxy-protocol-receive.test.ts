// proxy_protocol.receive at its edges, with raw sockets: who may send a header, how long RouteX
// waits for one, headers cut into pieces, malformed headers by the hundred, and LOCAL. The
// backend records what reached it: RouteX's own v2 header (naming the client RouteX settled on)
// and the payload.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { decodeProxyHeader } from '../../proxy-worker/proxy-protocol/header-decoder.js';
import { encodeV1, encodeV2, V2_LOCAL_HEADER } from '../../proxy-worker/proxy-protocol/header-encoder.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { startRecordingBackend, type RecordingBackend } from '../helpers/recording-backend.js';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const ORIGINAL = { ip: '198.51.100.23', port: 41000 };
const LISTENER = { ip: '203.0.113.1', port: 25565 };

function receiving(policy: string): string {
  return `proxy_protocol:
  send:
    tcp: v2
    unique_id: false
    health_check: none
  receive:
    enabled: true
    trusted_cidrs: ["127.0.0.1"]
    from_untrusted: ${policy}
    header_timeout: 3s
`;
}

describe('proxy_protocol.receive over TCP', () => {
  let backend: RecordingBackend;
  const greeters: TcpBackend[] = [];
  let sup: SupervisorProcess;
  const ports: Record<string, number> = {};

  before(async () => {
    backend = await startRecordingBackend();
    const proxies: Record<string, string> = {};
    for (const policy of ['reject', 'drop', 'plain']) {
      ports[policy] = await freePort();
      proxies[`${policy}.yaml`] = proxyYaml({ name: policy, originPorts: [ports[policy]!], destPorts: [backend.port], extra: receiving(policy) });
    }
    // ip-hash over two backends that greet with their name, behind a trusted filter.
    greeters.push(await startTcpBackend({ greeting: 'a' }), await startTcpBackend({ greeting: 'b' }));
    ports['hash'] = await freePort();
    proxies['hash.yaml'] = proxyYaml({
      name: 'hash',
      originPorts: [ports['hash']!],
      destPorts: greeters.map((g) => g.port).join(','),
      extra: 'load_balancing:\n  algorithm: ip-hash\nproxy_protocol:\n  receive:\n    enabled: true\n    trusted_cidrs: ["127.0.0.1"]\n',
    });
    sup = await SupervisorProcess.start({ proxies, waitForRunning: Object.keys(ports) });
  });

  after(async () => {
    await sup?.stop();
    await backend?.close();
    for (const greeter of greeters) await greeter.close();
  });

  /** What reached the backend on the connection whose payload ends with `marker`: RouteX's header source and the payload. */
  async function arrived(marker: string): Promise<{ source: unknown; payload: string }> {
    const entry = await waitFor(`"${marker}" at the backend`, () => backend.connections.find((c) => c.received.toString('latin1').endsWith(marker)));
    const decoded = decodeProxyHeader(entry.received, { v1: false, v2: true, maxHeaderBytes: 536 });
    assert.ok(decoded.status === 'complete', 'RouteX sent its own header first');
    return { source: decoded.header.source, payload: entry.received.subarray(decoded.length).toString('latin1') };
  }

  async function send(policy: string, localAddress: string, ...parts: (Buffer | string)[]): Promise<TcpClient> {
    const client = await TcpClient.connect(ports[policy]!, { localAddress });
    for (const [i, part] of parts.entries()) {
      if (i > 0) await sleep(50);
      client.write(part);
    }
    return client;
  }

  it('an untrusted peer that sends a header is closed; one that does not is a direct client', async () => {
    const spoofer = await send('reject', '127.0.0.2', encodeV2('tcp', ORIGINAL, LISTENER), 'spoofed');
    await spoofer.waitClosed();
    const direct = await send('reject', '127.0.0.2', 'direct-1');
    const { source, payload } = await arrived('direct-1');
    assert.deepEqual([source, payload], [{ ip: '127.0.0.2', port: direct.socket.localPort }, 'direct-1']);
    direct.destroy();
    assert.ok(!backend.connections.some((c) => c.received.includes('spoofed')));
  });

  it('a header split over two TCP writes 50 ms apart is accepted, and its client sent onward', async () => {
    const header = encodeV1(ORIGINAL, LISTENER);
    const client = await send('reject', '127.0.0.1', header.subarray(0, 9), Buffer.concat([header.subarray(9), Buffer.from('split-1')]));
    assert.deepEqual(await arrived('split-1'), { source: ORIGINAL, payload: 'split-1' });
    client.destroy();
  });

  it('a LOCAL header from a trusted peer keeps the peer\'s own address', async () => {
    const client = await send('reject', '127.0.0.1', Buffer.concat([V2_LOCAL_HEADER as Buffer, Buffer.from('local-1')]));
    assert.deepEqual(await arrived('local-1'), { source: { ip: '127.0.0.1', port: client.socket.localPort }, payload: 'local-1' });
    client.destroy();
  });

  it('a trusted peer that stays silent is closed when header_timeout (3 s) ends', async () => {
    const startedAt = Date.now();
    const client = await TcpClient.connect(ports['reject']!, { localAddress: '127.0.0.1' });
    await client.waitClosed(8000);
    const waitedMs = Date.now() - startedAt;
    assert.ok(waitedMs >= 2900 && waitedMs < 4500, `closed after ${waitedMs} ms`);
  });

  it('malformed headers from a trusted peer (300 seeded mutations) are closed, none reaches the backend, the worker lives on', async () => {
    const pid = (await sup.proxy('reject')).pid as number;
    const random = seededRandom(1616);
    const int = (n: number): number => Math.floor(random() * n);
    const seeds = [encodeV1(ORIGINAL, LISTENER), encodeV2('tcp', ORIGINAL, LISTENER)];
    let sent = 0;
    while (sent < 300) {
      const bytes = Buffer.from(seeds[int(2)]!);
      for (let flips = 1 + int(3); flips > 0; flips--) bytes[int(bytes.length)] = int(256);
      const input = Buffer.concat([bytes.subarray(0, 1 + int(bytes.length)), Buffer.from('fuzz-marker')]);
      // Cut short, the marker may complete a header (as address bytes): then it is not malformed.
      if (decodeProxyHeader(input, { v1: true, v2: true, maxHeaderBytes: 536 }).status === 'complete') continue;
      const client = await TcpClient.connect(ports['reject']!, { localAddress: '127.0.0.1' });
      client.write(input);
      client.end();
      await client.waitClosed();
      client.destroy();
      sent++;
    }
    assert.ok(!backend.connections.some((c) => c.received.includes('fuzz-marker')));
    const after = await sup.proxy('reject');
    assert.deepEqual([after.state, after.pid], ['running', pid]);
    const client = await send('reject', '127.0.0.1', Buffer.concat([encodeV2('tcp', ORIGINAL, LISTENER), Buffer.from('after-fuzz')]));
    assert.deepEqual(await arrived('after-fuzz'), { source: ORIGINAL, payload: 'after-fuzz' });
    client.destroy();
  });

  it('ip-hash balances by the address in the header, not by the filter\'s', async () => {
    const pickFor = async (ip: string): Promise<string> => {
      const client = await send('hash', '127.0.0.1', encodeV1({ ip, port: 40000 }, LISTENER));
      try {
        return (await client.waitForBytes(1)).toString();
      } finally {
        client.destroy();
      }
    };
    const picks = new Map<string, string>();
    for (let i = 1; i <= 16; i++) picks.set(`10.0.0.${i}`, await pickFor(`10.0.0.${i}`));
    assert.deepEqual(new Set(picks.values()), new Set(['a', 'b']), 'sixteen clients behind one filter spread over both upstreams');
    for (const [ip, pick] of [...picks].slice(0, 4)) assert.equal(await pickFor(ip), pick, `${ip} stays on its upstream`);
  });

  it('from_untrusted: drop closes an untrusted peer at once; plain passes its bytes as they are', async () => {
    const dropped = await TcpClient.connect(ports['drop']!, { localAddress: '127.0.0.2' });
    await dropped.waitClosed(1000);
    const plain = await send('plain', '127.0.0.2', Buffer.concat([encodeV2('tcp', ORIGINAL, LISTENER), Buffer.from('plain-1')]));
    const { source, payload } = await arrived('plain-1');
    assert.deepEqual(source, { ip: '127.0.0.2', port: plain.socket.localPort });
    assert.ok(payload.endsWith('plain-1') && payload.length > 'plain-1'.length, 'the untrusted header is passed on as payload');
    plain.destroy();
  });
});
