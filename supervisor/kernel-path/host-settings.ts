// The kernel settings forwarding needs, in the network namespace RouteX runs in. IPv4 forwarding,
// route_localnet (for local clients of a 127.x origin), conntrack accounting (bytes per flow) and
// timestamps (when a flow started)
// are switched on when a kernel-mode proxy needs them, and logged; they are not switched back
// (other software may rely on them by then, as with Docker). IPv6 forwarding is only checked:
// turning it on makes Linux ignore router advertisements, which could cut the host off.
import { readFile, writeFile } from 'node:fs/promises';

export interface HostSetting {
  sysctl: string;
  /** Why RouteX needs it, for the log line and error messages. */
  why: string;
}

export const IPV4_FORWARDING: HostSetting = { sysctl: 'net.ipv4.ip_forward', why: 'forwarding clients of other hosts to the upstreams' };
export const ROUTE_LOCALNET: HostSetting = { sysctl: 'net.ipv4.conf.all.route_localnet', why: 'forwarding local clients of a 127.0.0.0/8 origin to other hosts' };
export const CONNTRACK_ACCOUNTING: HostSetting = { sysctl: 'net.netfilter.nf_conntrack_acct', why: 'bytes per connection in the connection list' };
export const CONNTRACK_TIMESTAMPS: HostSetting = { sysctl: 'net.netfilter.nf_conntrack_timestamp', why: 'when each connection in the connection list started' };
export const IPV6_FORWARDING: HostSetting = { sysctl: 'net.ipv6.conf.all.forwarding', why: 'forwarding IPv6 clients to the upstreams' };

export interface SysctlAccess {
  read(sysctl: string): Promise<string | null>;
  write(sysctl: string, value: string): Promise<void>;
}

const procPath = (sysctl: string): string => `/proc/sys/${sysctl.replace(/\./g, '/')}`;

export const procSysctl: SysctlAccess = {
  async read(sysctl) {
    try {
      return (await readFile(procPath(sysctl), 'utf8')).trim();
    } catch {
      return null;
    }
  },
  async write(sysctl, value) {
    await writeFile(procPath(sysctl), `${value}\n`);
  },
};

/**
 * Sets `setting` to 1 unless it already is; resolves with true when it changed it. Throws with a
 * sentence naming the sysctl when it cannot.
 */
export async function switchOn(access: SysctlAccess, setting: HostSetting): Promise<boolean> {
  if ((await access.read(setting.sysctl)) === '1') return false;
  try {
    await access.write(setting.sysctl, '1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const readOnly = code === 'EROFS' ? ' (/proc/sys is read-only here, as the shipped systemd unit keeps it)' : '';
    throw new Error(`cannot set ${setting.sysctl}=1${readOnly}: ${code}; it is needed for ${setting.why}: set it in /etc/sysctl.d/ and run sysctl --system`);
  }
  return true;
}

/** Null when `setting` is on, else why a proxy cannot run without it. */
export async function requireOn(access: SysctlAccess, setting: HostSetting): Promise<string | null> {
  if ((await access.read(setting.sysctl)) === '1') return null;
  return `${setting.sysctl} is not 1, which ${setting.why} needs; RouteX does not turn it on itself (Linux then ignores router advertisements unless accept_ra=2): set it with sysctl`;
}
