import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';

test('eject/readmit find an upstream whatever the spelling: IPv6 upper case, zero-compressed or not, IPv4-mapped', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  // 2001:db8::1 (documentation range) is never reached; eject and readmit do not need it to be.
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destIps: '2001:db8::1, 127.0.0.1', destPorts: [backend.port] }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  const act = async (action: 'eject' | 'readmit', upstream: string): Promise<number> => {
    const response = await sup.api('POST', `/api/proxies/p/upstreams/${encodeURIComponent(upstream)}/${action}`, { key: ADMIN_KEY });
    assert.equal(response.status, 200, `${action} ${upstream}: ${response.text}`);
    return response.body.targets_affected;
  };
  const ejected = async (): Promise<string[]> => {
    const upstreams = (await sup.api('GET', '/api/proxies/p/upstreams', { key: READ_KEY })).body as { ip: string; manual_state: string | null }[];
    return upstreams.filter((u) => u.manual_state === 'ejected').map((u) => u.ip);
  };

  assert.equal(await act('eject', '2001:DB8::1'), 1);
  assert.deepEqual(await ejected(), ['2001:db8::1']);
  assert.equal(await act('readmit', '2001:0db8:0000:0000:0000:0000:0000:0001'), 1);
  assert.deepEqual(await ejected(), []);
  assert.equal(await act('eject', `[2001:DB8:0::1]:${backend.port}`), 1);
  assert.equal(await act('readmit', '2001:db8::1'), 1);

  assert.equal(await act('eject', '::ffff:127.0.0.1'), 1, 'the IPv4-mapped form names the IPv4 upstream');
  assert.deepEqual(await ejected(), ['127.0.0.1']);
  assert.equal(await act('readmit', `[::FFFF:7F00:1]:${backend.port}`), 1);
  assert.deepEqual(await ejected(), []);

  assert.equal(await act('eject', '2001:db8::2'), 0, 'another address matches nothing');
  const bad = await sup.api('POST', '/api/proxies/p/upstreams/2001:db8::1::2/eject', { key: ADMIN_KEY });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'ERR_INVALID_UPSTREAM');
});
