// With proxy_protocol.send.tcp on, health probes speak PROXY too (a backend that expects a header
// rejects connections without one): the v2 LOCAL header, a full header of the probe's own
// endpoints, or nothing, as health_check says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProxyHeader } from '../../proxy-worker/proxy-protocol/header-decoder.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { startRecordingBackend, type RecordingBackend } from '../helpers/recording-backend.js';
import { READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const LOCAL_V2 = '0d0a0d0a000d0a515549540a20000000';
const CASES = [
  { name: 'v2-local', tcp: 'v2', check: 'local' },
  { name: 'v2-proxy', tcp: 'v2', check: 'proxy' },
  { name: 'v1-local', tcp: 'v1', check: 'local' },
  { name: 'v2-none', tcp: 'v2', check: 'none' },
] as const;

describe('health probes with proxy_protocol.send', () => {
  it('send LOCAL, a header of their own endpoints, or nothing, and keep the upstream healthy', async (t) => {
    const backends: Record<string, RecordingBackend> = {};
    const proxies: Record<string, string> = {};
    for (const c of CASES) {
      const backend = await startRecordingBackend();
      t.after(() => backend.close());
      backends[c.name] = backend;
      proxies[`${c.name}.yaml`] = proxyYaml({
        name: c.name,
        originPorts: [await freePort()],
        destPorts: [backend.port],
        extra: `load_balancing:\n  health_check:\n    interval: 150ms\n    timeout: 100ms\nproxy_protocol:\n  send:\n    tcp: ${c.tcp}\n    health_check: ${c.check}\n`,
      });
    }
    const sup = await SupervisorProcess.start({ proxies, waitForRunning: CASES.map((c) => c.name) });
    t.after(() => sup.stop());

    for (const c of CASES) {
      const backend = backends[c.name]!;
      await waitFor(`3 probes of ${c.name}`, () => backend.closed.length >= 3, { timeoutMs: 5000 });
      for (const probe of backend.closed) {
        const context = `${c.name}: ${probe.bytes.toString('hex')}`;
        if (c.check === 'none') {
          assert.equal(probe.bytes.length, 0, context);
        } else if (c.check === 'local' && c.tcp === 'v2') {
          assert.equal(probe.bytes.toString('hex'), LOCAL_V2, context);
        } else if (c.tcp === 'v1') {
          assert.equal(probe.bytes.toString('latin1'), `PROXY TCP4 127.0.0.1 127.0.0.1 ${probe.peerPort} ${backend.port}\r\n`, context);
        } else {
          const decoded = decodeProxyHeader(probe.bytes, { v1: false, v2: true, maxHeaderBytes: 536 });
          assert.ok(decoded.status === 'complete' && decoded.length === probe.bytes.length, context);
          assert.deepEqual([decoded.header.command, decoded.header.source, decoded.header.destination, decoded.header.tlvs], ['proxy', { ip: '127.0.0.1', port: probe.peerPort }, { ip: '127.0.0.1', port: backend.port }, []], context);
        }
      }
      const upstreams = (await sup.api('GET', `/api/proxies/${c.name}/upstreams`, { key: READ_KEY })).body as { healthy: boolean; last_probe_error: string | null }[];
      assert.deepEqual(upstreams.map((u) => [u.healthy, u.last_probe_error]), [[true, null]], c.name);
    }
  });
});
