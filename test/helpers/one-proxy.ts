import { startTcpBackend, type TcpBackend } from './backends.js';
import { freePort } from './free-ports.js';
import { proxyYaml } from './proxy-yaml.js';
import { SupervisorProcess } from './supervisor-process.js';

interface TestContext {
  after(fn: () => unknown): void;
}

/**
 * The most common e2e setup: one TCP echo backend, the real supervisor with one proxy `p` in
 * front of it (plus `extra` YAML), cleaned up when the test ends.
 */
export async function startOneProxy(t: TestContext, extra = '', options: { greeting?: string } = {}): Promise<{ sup: SupervisorProcess; port: number; backend: TcpBackend }> {
  const backend = await startTcpBackend({ greeting: options.greeting });
  t.after(() => backend.close());
  const port = await freePort();
  const sup = await SupervisorProcess.start({
    proxies: { 'p.yaml': proxyYaml({ name: 'p', originPorts: [port], destPorts: [backend.port], extra }) },
    waitForRunning: ['p'],
  });
  t.after(() => sup.stop());
  return { sup, port, backend };
}
