import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { failOnMissing, skipOutsideCi } from '../helpers/system-tools.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = netnsUnavailable();
const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/netns.js');

const namespaces = (): string => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
const links = (): string => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;

describe('network-namespace lab (test harness)', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  before(() => failOnMissing(UNAVAILABLE));

  it('links namespaces and the test process, runs commands inside, and removes everything', async () => {
    const lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['srv', 'cli'], links: [['srv', 'cli'], ['srv', 'host']] });
    const hostDev = lab.endpoint('host', 'srv').dev;
    try {
      assert.match(namespaces(), new RegExp(lab.netns('srv')));
      // A server in the test process, reached from inside srv over the host link.
      const server = net.createServer((socket) => socket.end('hello'));
      await new Promise<void>((resolve) => server.listen(0, lab.ip('host', 'srv'), resolve));
      const port = (server.address() as net.AddressInfo).port;
      const fetched = await lab.exec('srv', 'bash', ['-c', `exec 3<>/dev/tcp/${lab.ip('host', 'srv')}/${port}; cat <&3`]);
      server.close();
      assert.equal(fetched.stdout, 'hello');
      // cli and srv see each other on their own link, and cli has no route to the host link.
      assert.equal((await lab.exec('cli', 'bash', ['-c', `exec 3<>/dev/tcp/${lab.ip('srv', 'cli')}/9; echo ok`])).stderr.includes('refused'), true);
      assert.notEqual((await lab.exec('cli', 'bash', ['-c', `timeout 1 bash -c 'exec 3<>/dev/tcp/${lab.ip('host', 'srv')}/${port}'`])).exitCode, 0);
    } finally {
      await lab.destroy();
    }
    assert.doesNotMatch(namespaces(), new RegExp(lab.netns('srv')));
    assert.doesNotMatch(links(), new RegExp(hostDev));
  });

  it('cleans up after a test process that is killed (SIGKILL) before it could', async () => {
    const script = `import(${JSON.stringify(HELPER)}).then(async ({ NetnsLab }) => {
      const lab = await NetnsLab.create({ prefix: 'rxipt', namespaces: ['a'], links: [['a', 'host']] });
      lab.spawn('a', 'sleep', ['600']);
      console.log(lab.netns('a'), lab.endpoint('host', 'a').dev);
      setInterval(() => {}, 1000);
    });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [netnsName, hostDev] = await new Promise<string[]>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim().split(' '))));
    assert.match(namespaces(), new RegExp(netnsName!));
    child.kill('SIGKILL');
    await waitFor('the watchdog to remove the namespace and its veth', () => !namespaces().includes(netnsName!) && !links().includes(hostDev!), { timeoutMs: 10_000 });
  });
});
