import type { ProxySummary, SystemInfo } from '../api/types.js';
import { Badge, Empty, ErrorBox, Loading, Panel, TableWrap } from '../components/ui.js';
import { perSecond } from '../format.js';
import { href } from '../router.js';
import { useLive, useLoad, useSession } from '../session.js';
import { BansPanel } from './protection/bans-panel.js';
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

function Unavailable({ what, operation }: { what: string; operation: string }) {
  return (
    <Empty>
      {what} is not offered by this RouteX's API (no <code>{operation}</code> in its OpenAPI document).
    </Empty>
  );
}

function Bans() {
  if (!useOffers('GET /api/l7/banned')) {
    return (
      <Panel title="Bans" id="bans">
        <Unavailable what="The ban list" operation="GET /api/l7/banned" />
      </Panel>
    );
  }
  return <BansPanel />;
}

function Events({ proxies }: { proxies: string[] }) {
  if (!useOffers('GET /api/l7/events')) {
    return (
      <Panel title="Recent L7 events" id="l7-events">
        <Unavailable what="The L7 event log" operation="GET /api/l7/events" />
      </Panel>
    );
  }
  return <L7EventsPanel proxies={proxies} />;
}

function IptablesPanel({ system }: { system: SystemInfo | null }) {
  const offered = useOffers('GET /api/iptables/rules');
  return (
    <Panel title="iptables rules" id="iptables">
      {system !== null && !system.features.iptables && (
        <p class="muted" id="iptables-off">
          iptables is off (<code>iptables.enabled: false</code> in global.yaml): no kernel rules.
        </p>
      )}
      {!offered && <Unavailable what="The rule list" operation="GET /api/iptables/rules" />}
    </Panel>
  );
}

/** Bans, L7 events and kernel rules: each panel shows what the API offers and says so when a layer is off. */
export function ProtectionPage() {
  const { client } = useSession();
  const proxies = useLoad(() => client.get<ProxySummary[]>('/api/proxies'), []);
  const system = useLoad(() => client.get<SystemInfo>('/api/system'), []);
  if (proxies.error !== null) return <ErrorBox error={proxies.error} />;
  if (proxies.data === null) return <Loading />;
  return (
    <>
      {system.error !== null && <ErrorBox error={system.error} />}
      <div class="grid-2">
        <LayerStatus proxies={proxies.data} />
        <Bans />
      </div>
      <Events proxies={proxies.data.map((p) => p.name)} />
      <IptablesPanel system={system.data} />
    </>
  );
}
