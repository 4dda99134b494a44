// The real supervisor inside a network namespace with iptables on, for the firewall tests: its API
// on the namespace's address towards the test process, its rules in the namespace's own kernel
// tables, never the host's.
import { ADMIN_KEY, READ_KEY, SupervisorProcess } from './supervisor-process.js';
import type { NetnsLab } from './netns.js';
import { waitFor } from './wait-for.js';

export interface FirewallSupervisorOptions {
  /** Lines under `iptables:` in global.yaml (enabled: true is always there). */
  iptables?: string;
  proxies: Record<string, string>;
  waitForRunning?: string[];
  /** Runs the supervisor as this uid/gid (setpriv, no capabilities at all) instead of root. */
  uid?: number;
  /** Environment additions, e.g. a PATH without the firewall tools. */
  env?: Record<string, string>;
  /** Adds READ_KEY, a read-only key (proxies:read, metrics:read), to the admin key. */
  readKey?: boolean;
}

export function firewallGlobalYaml(apiHost: string, iptables = '', readKey = false): string {
  const viewer = readKey ? `\n    - key: "${READ_KEY}"\n      label: "viewer"\n      permissions: ["proxies:read", "metrics:read"]` : '';
  return `api:
  enabled: true
  bind: "${apiHost}:{{API_PORT}}"
  api_keys:
    - key: "${ADMIN_KEY}"
      label: "admin"
      permissions: ["*"]${viewer}
metrics:
  enabled: false
iptables:
  enabled: true
${iptables
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => `  ${line.trim()}`)
  .join('\n')}
logging:
  level: "debug"
  format: "json"
  output: "stdout"
`;
}

export function startFirewallSupervisor(lab: NetnsLab, netns: string, options: FirewallSupervisorOptions): Promise<SupervisorProcess> {
  const apiHost = lab.ip(netns, 'host');
  const asUser = options.uid === undefined ? [] : ['setpriv', `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'];
  return SupervisorProcess.start({
    command: [...lab.command(netns), ...asUser],
    apiHost,
    globalYaml: firewallGlobalYaml(apiHost, options.iptables, options.readKey),
    proxies: options.proxies,
    waitForRunning: options.waitForRunning,
    ...(options.uid === undefined ? {} : { owner: options.uid }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
}

/** `iptables -S` (or ip6tables) inside the namespace. */
export async function listRules(lab: NetnsLab, netns: string, binary = 'iptables'): Promise<string[]> {
  const result = await lab.exec(netns, binary, ['-S']);
  if (result.exitCode !== 0) throw new Error(`${binary} -S failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '');
}

/** The rules (`-A` lines of `iptables -S`) of a proxy, by their comments, or of RouteX at all. */
export function rulesOf(lines: string[], proxy?: string): string[] {
  const marker = proxy === undefined ? /RouteX-|ROUTEX-/ : new RegExp(`RouteX-${proxy}-[A-Za-z]+-`);
  return lines.filter((line) => line.startsWith('-A ') && marker.test(line));
}

/** Polls `iptables -S` until `check` holds; returns the lines. */
export function waitForRules(lab: NetnsLab, netns: string, what: string, check: (lines: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
  return waitFor(what, async () => {
    const lines = await listRules(lab, netns);
    return check(lines) ? lines : undefined;
  }, { timeoutMs });
}
