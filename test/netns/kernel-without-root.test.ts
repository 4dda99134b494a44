// Without root or CAP_NET_ADMIN a data_path: kernel proxy cannot start, and says why; the other
// proxies run. The supervisor runs as nobody inside a namespace of its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { kernelProxyYaml } from '../helpers/kernel-lab.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { TcpClient } from '../helpers/tcp-client.js';

const NOBODY = 65_534;
const UNAVAILABLE = netnsUnavailable() || missingTool('nft', 'nftables') || missingTool('setpriv', 'util-linux');

describe('data_path: kernel without root', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  let backend: TcpBackend;

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxk', namespaces: ['srv'], links: [['srv', 'host']] });
    backend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    const apiHost = lab.ip('srv', 'host');
    sup = await SupervisorProcess.start({
      command: [...lab.command('srv'), 'setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'],
      apiHost,
      owner: NOBODY,
      proxies: {
        'k.yaml': kernelProxyYaml('k', { 'origin-ip': '0.0.0.0', 'origin-port': 25566, 'dest-ip': lab.ip('host', 'srv'), 'dest-port': backend.port, protocol: 'tcp' }),
        'u.yaml': proxyYaml({ name: 'u', originIps: '0.0.0.0', originPorts: [25565], destIps: lab.ip('host', 'srv'), destPorts: [backend.port] }),
      },
      waitForRunning: ['u'],
    });
  });

  after(async () => {
    await sup?.stop('SIGKILL');
    await lab?.destroy();
    await backend?.close();
  });

  it('the kernel-mode proxy fails to start with a reason that names the missing privilege', async () => {
    const k = await sup.waitForState('k', 'failed');
    assert.equal(k.last_error.code, 'ERR_KERNEL_PATH_UNAVAILABLE');
    assert.match(k.last_error.message, /data_path: kernel needs root or CAP_NET_ADMIN/);
    assert.equal(k.data_path, 'kernel');
  });

  it('the other proxy runs and forwards', async () => {
    const client = await TcpClient.connect(25565, { host: lab.ip('srv', 'host') });
    client.write('through');
    await client.waitForText('through', 3000);
    client.destroy();
  });
});
