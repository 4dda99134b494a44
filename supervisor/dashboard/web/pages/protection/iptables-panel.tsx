import { seg } from '../../api/client.js';
import type { IptablesRules } from '../../api/types.js';
import { ActionButton, ErrorBox, Loading, Panel } from '../../components/ui.js';
import { count } from '../../format.js';
import { useAction, useFollow, useLive, useSession } from '../../session.js';
import { droppedPackets, KernelDropsTable } from './kernel-drops-table.js';
import { KernelRulesTable, OrphanList } from './kernel-rules-table.js';

/** Whether RouteX manages kernel rules, and if not, the API's own reason (never a generic "off"). */
function KernelStatus({ view }: { view: IptablesRules }) {
  if (!view.active) {
    return (
      <div class={view.enabled ? 'warn-box' : 'muted'} id="iptables-status" data-active="false" data-enabled={String(view.enabled)}>
        <strong>{view.enabled ? 'iptables is unavailable' : 'iptables is off'}:</strong> <span data-col="reason">{view.reason}</span>. Proxies run without kernel rules
        {view.enabled ? '; their rate_limits are not enforced.' : '.'}
      </div>
    );
  }
  const entries = Object.entries(view.bans.entries).map(([family, n]) => `${family} ${count(n)}`);
  return (
    <p id="iptables-status" data-active="true">
      RouteX manages kernel rules: chain <code>{view.input_chain}</code> ({view.families.join(', ')}) ·{' '}
      {view.bans.active ? `ban set entries in the kernel: ${entries.join(', ')}` : <span class="warn-text">bans not in the kernel: {view.bans.reason}</span>}
    </p>
  );
}

/**
 * The iptables layer: its status, what the kernel dropped per proxy and rule kind (live from the
 * stream), and the rules themselves with their counters, fetched again whenever the stream shows
 * more drops or a state change (not on a timer). Flush and orphan sweep for admin keys.
 */
export function IptablesPanel() {
  const { client } = useSession();
  const live = useLive();
  const act = useAction();
  const rules = useFollow(() => client.get<IptablesRules>('/api/iptables/rules'), `${droppedPackets(live.counters)} ${live.changes}`);
  const view = rules.data;

  const flush = (name: string): Promise<void> => act(`${name}: kernel rules flushed and created again`, () => client.post(`/api/iptables/flush/${seg(name)}`), rules.reload);
  const sweep = (): Promise<void> => act('Orphan sweep done', () => client.post('/api/iptables/orphan-sweep'), rules.reload);
  const sweepButton = view?.active ? (
    <ActionButton action="orphan-sweep" onClick={() => void sweep()}>
      Orphan sweep
    </ActionButton>
  ) : undefined;

  return (
    <Panel title="Kernel rules (iptables)" id="iptables" actions={sweepButton}>
      {rules.error !== null && <ErrorBox error={rules.error} />}
      {view === null ? rules.error === null && <Loading /> : <KernelStatus view={view} />}
      {(view === null || view.active) && (
        <>
          <h3>Dropped by the kernel since RouteX started, per proxy and rule kind</h3>
          <KernelDropsTable />
        </>
      )}
      {view?.active && (
        <>
          <h3>Rules in the kernel now, with their counters</h3>
          <KernelRulesTable view={view} onFlush={(name) => void flush(name)} />
        </>
      )}
      {view !== null && view.orphans.length > 0 && (
        <>
          <h3>Rules of proxies that no longer exist</h3>
          <OrphanList orphans={view.orphans} />
        </>
      )}
    </Panel>
  );
}
