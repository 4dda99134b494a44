// RouteX sends PROXY headers to real consumers from Debian's packages: nginx (`listen …
// proxy_protocol`, answering `$proxy_protocol_addr`) and HAProxy (`accept-proxy`, answering
// `%[src]` and `%[fc_pp_unique_id]`). Both must see the test client's own address, for v1 and v2,
// from 127.0.0.2, 127.0.0.3 and ::1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/free-ports.js';
import { haproxyMissing, nginxMissing, startHaproxy, startNginx, type PeerProcess } from '../helpers/peer-process.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { replyUntilClose } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';

const missing = nginxMissing() || haproxyMissing();
const CLIENTS = [
  { host: '127.0.0.1', localAddress: '127.0.0.2', seenAs: '127.0.0.2' },
  { host: '127.0.0.1', localAddress: '127.0.0.3', seenAs: '127.0.0.3' },
  { host: '::1', localAddress: '::1', seenAs: '::1' },
];

describe('PROXY headers to real consumers', { skip: missing }, () => {
  const ports: Record<string, number> = {};
  let nginx: PeerProcess;
  let haproxy: PeerProcess;
  let sup: SupervisorProcess;

  before(async () => {
    for (const name of ['nginx', 'haproxy', 'nginx-v1', 'nginx-v2', 'haproxy-v1', 'haproxy-v2']) ports[name] = await freePort();
    nginx = await startNginx(`server { listen 127.0.0.1:${ports['nginx']} proxy_protocol; return "$proxy_protocol_addr $proxy_protocol_port\\n"; }`, [{ host: '127.0.0.1', port: ports['nginx']! }]);
    haproxy = await startHaproxy(
      `defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend echo
  bind 127.0.0.1:${ports['haproxy']} accept-proxy
  http-request return status 200 content-type text/plain lf-string "%[src] %[src_port] id=%[fc_pp_unique_id]"
`,
      [{ host: '127.0.0.1', port: ports['haproxy']! }],
    );
    const proxy = (name: string, upstream: string, version: string): string =>
      proxyYaml({
        name,
        originIps: '127.0.0.1, ::1',
        originPorts: [ports[name]!],
        destPorts: [ports[upstream]!],
        extra: `proxy_protocol:\n  send:\n    tcp: ${version}\n    health_check: none\nlogging:\n  log_connections: true\n`,
      });
    sup = await SupervisorProcess.start({
      proxies: Object.fromEntries(['nginx-v1', 'nginx-v2', 'haproxy-v1', 'haproxy-v2'].map((name) => [`${name}.yaml`, proxy(name, name.split('-')[0]!, name.split('-')[1]!)])),
      waitForRunning: ['nginx-v1', 'nginx-v2', 'haproxy-v1', 'haproxy-v2'],
    });
  });

  after(async () => {
    await sup?.stop();
    await nginx?.stop();
    await haproxy?.stop();
  });

  for (const version of ['v1', 'v2']) {
    it(`nginx reads the client's own address and port from RouteX's ${version} header`, async () => {
      for (const client of CLIENTS) {
        const { reply, localPort } = await replyUntilClose(ports[`nginx-${version}`]!, client);
        assert.equal(reply, `${client.seenAs} ${localPort}\n`, `client ${client.localAddress}`);
      }
    });

    it(`HAProxy accept-proxy sees the client's own address from RouteX's ${version} header${version === 'v2' ? ', and our UNIQUE_ID' : ''}`, async () => {
      for (const client of CLIENTS) {
        const { reply, localPort } = await replyUntilClose(ports[`haproxy-${version}`]!, { ...client, request: 'GET / HTTP/1.0\r\n\r\n' });
        const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
        assert.match(reply, /^HTTP\/1\.[01] 200/);
        if (version === 'v1') {
          assert.equal(body, `${client.seenAs} ${localPort} id=`, `client ${client.localAddress}`);
          continue;
        }
        const uniqueId = /id=([0-9a-f]{8}-\d+)$/.exec(body)?.[1];
        assert.equal(body, `${client.seenAs} ${localPort} id=${uniqueId}`, `client ${client.localAddress}`);
        // The same id is in RouteX's access log for this very connection.
        const logged = await waitFor('the connection in the access log', () =>
          sup.logs.find((l) => l['message'] === 'connection accepted' && l['proxy'] === 'haproxy-v2' && l['clientPort'] === localPort),
        );
        assert.equal(logged['uniqueId'], uniqueId);
        assert.equal(logged['client'], client.seenAs);
      }
    });
  }
});
