import type { ComponentChildren } from 'preact';
import type { ProxySummary } from '../api/types.js';
import { Badge, Empty, ErrorBox, Loading, Panel, TableWrap } from '../components/ui.js';
import { perSecond } from '../format.js';
import { href } from '../router.js';
import { useLive, useLoad, useSession } from '../session.js';
import { BansPanel } from './protection/bans-panel.js';
import { IptablesPanel } from './protection/iptables-panel.js';
import { L7EventsPanel } from './protection/l7-events-panel.js';

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whether the API offers an operation, by its own OpenAPI document. */
function useOffers(operation: string): boolean {
  return useSession().operations.has(operation);
}

function LayerStatus({ proxies }: { proxies: ProxySummary[] }) {
  const live = useLive();
  return (
    <Panel title="L7 protection" id="l7-status">
      {proxies.every((p) => !p.l7_enabled) && <p class="muted" id="l7-off">L7 protection is off on every proxy (<code>l7_protection.enabled: false</code>).</p>}
      {live.counters !== null && (
        <p class="muted" id="bans-active">
          {plural(live.counters.supervisor.bans_active ?? 0, 'active ban')} · {perSecond(live.counters.totals.per_second.l7_blocked ?? 0)} blocked across all proxies
        </p>
      )}
      <TableWrap>
        <table class="table">
          <thead>
            <tr>
              <th>Proxy</th>
              <th>L7</th>
              <th class="num">Blocked/s</th>
            </tr>
          </thead>
          <tbody>
            {proxies.map((p) => (
              <tr key={p.name} data-proxy={p.name}>
                <td>
                  <a href={href({ page: 'proxy', name: p.name })}>{p.name}</a>
                </td>
                <td data-col="l7">{p.l7_enabled ? <Badge tone="good">on</Badge> : <Badge tone="muted">off</Badge>}</td>
                <td class="num">{perSecond(live.proxy(p.name)?.per_second.l7_blocked ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Panel>
  );
}

/** The panel, or in its place a note that the API lacks its route (read from the API's OpenAPI document). */
function IfOffered({ operation, what, title, id, children }: { operation: string; what: string; title: string; id: string; children: ComponentChildren }) {
  if (useOffers(operation)) return <>{children}</>;
  return (
    <Panel title={title} id={id}>
      <Empty>
        {what} is not offered by this RouteX's API (no <code>{operation}</code> in its OpenAPI document).
      </Empty>
    </Panel>
  );
}

/** Bans, L7 events and kernel rules: each panel shows what the API offers and says why when a layer is off. */
export function ProtectionPage() {
  const { client } = useSession();
  const proxies = useLoad(() => client.get<ProxySummary[]>('/api/proxies'), []);
  if (proxies.error !== null) return <ErrorBox error={proxies.error} />;
  if (proxies.data === null) return <Loading />;
  return (
    <>
      <div class="grid-2">
        <LayerStatus proxies={proxies.data} />
        <IfOffered operation="GET /api/l7/banned" what="The ban list" title="Bans" id="bans">
          <BansPanel />
        </IfOffered>
      </div>
      <IfOffered operation="GET /api/l7/events" what="The L7 event log" title="Recent L7 events" id="l7-events">
        <L7EventsPanel proxies={proxies.data.map((p) => p.name)} />
      </IfOffered>
      <IfOffered operation="GET /api/iptables/rules" what="The rule list" title="Kernel rules (iptables)" id="iptables">
        <IptablesPanel />
      </IfOffered>
    </>
  );
}
