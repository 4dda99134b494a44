// Real senders in front of RouteX: HAProxy (`send-proxy-v2` with the unique-id and crc32c TLVs)
// and nginx (`proxy_protocol on`, v1). RouteX reads their header, applies the ACL and the ban list
// to the original client address, balances and logs by it, and sends it onward in its own v2
// header to nginx, which answers with the address it got.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/free-ports.js';
import { haproxyMissing, nginxMissing, startHaproxy, startNginx, type PeerProcess } from '../helpers/peer-process.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { ADMIN_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { replyUntilClose } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const missing = nginxMissing() || haproxyMissing();

/** Connects from `localAddress` to a filter in front of RouteX; the reply and the client's port. */
const through = (port: number, localAddress: string): Promise<{ reply: string; localPort: number }> => replyUntilClose(port, { localAddress });

describe('PROXY headers from real senders in front', { skip: missing }, () => {
  const ports: Record<string, number> = {};
  const peers: PeerProcess[] = [];
  let sup: SupervisorProcess;

  before(async () => {
    for (const name of ['echo', 'routex', 'haproxy', 'nginx']) ports[name] = await freePort();
    // The backend behind RouteX: answers with the address in RouteX's own header.
    peers.push(await startNginx(`server { listen 127.0.0.1:${ports['echo']} proxy_protocol; return "$proxy_protocol_addr $proxy_protocol_port\\n"; }
server { listen 127.0.0.1:${ports['nginx']}; proxy_pass 127.0.0.1:${ports['routex']}; proxy_protocol on; }`, [
      { host: '127.0.0.1', port: ports['echo']! },
      { host: '127.0.0.1', port: ports['nginx']! },
    ]));
    peers.push(
      await startHaproxy(
        `defaults
  mode tcp
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend filter
  bind 127.0.0.1:${ports['haproxy']}
  unique-id-format %[uuid()]
  default_backend routex
backend routex
  server routex 127.0.0.1:${ports['routex']} send-proxy-v2 proxy-v2-options unique-id,crc32c
`,
        [{ host: '127.0.0.1', port: ports['haproxy']! }],
      ),
    );
    sup = await SupervisorProcess.start({
      proxies: {
        'front.yaml': proxyYaml({
          name: 'front',
          originPorts: [ports['routex']!],
          destPorts: [ports['echo']!],
          extra: `proxy_protocol:
  send:
    tcp: v2
    health_check: none
  receive:
    enabled: true
    trusted_cidrs: ["127.0.0.1"]
acl:
  rules:
    - action: deny
      cidr: "127.0.0.3"
logging:
  log_connections: true
`,
        }),
      },
      waitForRunning: ['front'],
    });
  });

  after(async () => {
    await sup?.stop();
    for (const peer of peers) await peer.stop();
  });

  for (const sender of ['haproxy', 'nginx'] as const) {
    it(`${sender}: the original client reaches the backend as itself, and the ACL denies by the original address`, async () => {
      const allowed = await through(ports[sender]!, '127.0.0.2');
      assert.equal(allowed.reply, `127.0.0.2 ${allowed.localPort}\n`);
      const accepted = await waitFor('the access log line', () => sup.logs.find((l) => l['message'] === 'connection accepted' && l['clientPort'] === allowed.localPort));
      assert.equal(accepted['client'], '127.0.0.2');

      const denied = await through(ports[sender]!, '127.0.0.3');
      assert.equal(denied.reply, '');
      const line = await waitFor('the acl denial in the log', () => sup.logs.find((l) => l['message'] === 'connection denied by acl' && l['client'] === '127.0.0.3' && l['protocol'] === 'tcp'));
      assert.equal(line['proxy'], 'front');
    });
  }

  it('bans apply to the original address behind the filter', async () => {
    const ban = await sup.api('POST', '/api/l7/banned/127.0.0.4?duration=5m&reason=test', { key: ADMIN_KEY });
    assert.ok(ban.status === 200 || ban.status === 201, ban.text);
    await waitFor('the ban to reach the worker', async () => (await through(ports['haproxy']!, '127.0.0.4')).reply === '');
    const other = await through(ports['haproxy']!, '127.0.0.2');
    assert.equal(other.reply, `127.0.0.2 ${other.localPort}\n`);
  });

  it('counts the headers it took and reports them as a metric', async () => {
    const metrics = await waitFor('the counter report', async () => {
      const text = (await sup.api('GET', '/metrics?format=prometheus', { key: ADMIN_KEY })).text;
      const value = Number(/routex_proxy_protocol_headers_total\{proxy="front"\} (\d+)/.exec(text)?.[1] ?? 0);
      return value >= 4 ? value : undefined;
    });
    assert.ok(metrics >= 4);
  });
});
