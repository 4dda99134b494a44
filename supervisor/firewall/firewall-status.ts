// Per proxy: what the kernel holds for it and, when nothing, why — what the API reports.

/**
 * installed: its rules are in the kernel. none: its config asks for no rule. disabled: iptables is
 * off in global.yaml. unavailable: iptables cannot be used here (binary, permission). failed: its
 * rules could not be installed (a match module missing, a kernel refusal); it runs without them.
 */
export type KernelRulesState = 'installed' | 'none' | 'disabled' | 'unavailable' | 'failed';

export interface ProxyFirewallStatus {
  state: KernelRulesState;
  reason: string | null;
  /** Rules RouteX installed for the proxy (chain rules, jumps and fragment rules). */
  rules: number;
  /** When the kernel last changed for it (ISO 8601), null if never. */
  updatedAt: string | null;
}

interface Entry {
  fingerprint: string;
  status: ProxyFirewallStatus;
}

export class FirewallStatusBook {
  private readonly entries = new Map<string, Entry>();

  set(name: string, fingerprint: string, status: Omit<ProxyFirewallStatus, 'updatedAt'>): void {
    this.entries.set(name, { fingerprint, status: { ...status, updatedAt: new Date().toISOString() } });
  }

  /** The proxy's status, or `fallback` for a proxy the firewall has not handled. */
  get(name: string, fallback: ProxyFirewallStatus): ProxyFirewallStatus {
    return this.entries.get(name)?.status ?? fallback;
  }

  fingerprint(name: string): string | undefined {
    return this.entries.get(name)?.fingerprint;
  }

  forget(name: string): void {
    this.entries.delete(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
  }
}
