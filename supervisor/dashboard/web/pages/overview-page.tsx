import { useEffect, useState } from 'preact/hooks';
import type { ProxySummary } from '../api/types.js';
import { EventLog } from '../components/event-log.js';
import { Badge, ErrorBox, Loading, Panel, StateBadge, TableWrap } from '../components/ui.js';
import { count, perSecond, rate } from '../format.js';
import { href } from '../router.js';
import { useLive, useLoad, useSession } from '../session.js';
import { allTags, overviewRow, sortRows, type SortKey } from './overview-rows.js';

const COLUMNS: { key: SortKey | null; label: string; numeric?: boolean; phone?: false }[] = [
  { key: 'name', label: 'Proxy' },
  { key: null, label: 'Tags', phone: false },
  { key: 'state', label: 'State' },
  { key: null, label: 'PID', numeric: true, phone: false },
  { key: 'restarts', label: 'Restarts', numeric: true },
  { key: 'activeConnections', label: 'Connections', numeric: true },
  { key: 'bytesInPerSecond', label: 'In/s', numeric: true },
  { key: 'bytesOutPerSecond', label: 'Out/s', numeric: true },
  { key: 'upstreamsHealthy', label: 'Upstreams', numeric: true },
  { key: null, label: 'Suspended' },
  { key: 'l7BlockedPerSecond', label: 'L7 blocked/s', numeric: true },
];

function Totals() {
  const live = useLive();
  const totals = live.counters?.totals;
  const supervisor = live.counters?.supervisor;
  const cards = [
    { id: 'total-proxies', label: 'Proxies running', value: supervisor === undefined ? '—' : `${supervisor.proxies_running ?? 0} / ${supervisor.proxy_count ?? 0}` },
    { id: 'total-connections', label: 'Active connections', value: totals === undefined ? '—' : count(totals.values.active_connections ?? 0) },
    { id: 'total-in', label: 'In', value: totals === undefined ? '—' : rate(totals.per_second.bytes_in ?? 0) },
    { id: 'total-out', label: 'Out', value: totals === undefined ? '—' : rate(totals.per_second.bytes_out ?? 0) },
  ];
  return (
    <div class="cards">
      {cards.map((c) => (
        <div class="card" key={c.id} id={c.id}>
          <div class="card-label">{c.label}</div>
          <div class="card-value">{c.value}</div>
        </div>
      ))}
    </div>
  );
}

export function OverviewPage() {
  const { client } = useSession();
  const live = useLive();
  const proxies = useLoad(() => client.get<ProxySummary[]>('/api/proxies'), []);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'name', descending: false });
  const [tag, setTag] = useState('');

  // A proxy the list does not know yet (a new file), or any state change: fetch the list again.
  const known = new Set(proxies.data?.map((p) => p.name));
  const unknown = live.counters?.proxies.some((p) => !known.has(p.name)) ?? false;
  useEffect(() => {
    if (proxies.data !== null) proxies.reload();
  }, [live.changes, unknown]);

  if (proxies.error !== null && proxies.data === null) return <ErrorBox error={proxies.error} />;
  if (proxies.data === null) return <Loading />;
  const tags = allTags(proxies.data);
  const rows = sortRows(
    proxies.data.filter((p) => tag === '' || p.tags.includes(tag)).map((p) => overviewRow(p, live.proxy(p.name))),
    sort.key,
    sort.descending,
  );
  const sortBy = (key: SortKey): void => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key !== 'name' && key !== 'state' }));

  return (
    <>
      <Totals />
      <Panel
        title="Proxies"
        actions={
          <label class="filter">
            Tag
            <select id="tag-filter" value={tag} onChange={(e) => setTag((e.target as HTMLSelectElement).value)}>
              <option value="">all</option>
              {tags.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <TableWrap>
          <table class="table" id="proxy-table">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.label} class={`${c.numeric ? 'num' : ''} ${c.phone === false ? 'hide-phone' : ''}`} aria-sort={c.key === sort.key ? (sort.descending ? 'descending' : 'ascending') : undefined}>
                    {c.key === null ? c.label : (
                      <button type="button" class="sort" onClick={() => sortBy(c.key!)}>
                        {c.label}
                        {c.key === sort.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
                      </button>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-proxy={r.name}>
                  <td>
                    <a href={href({ page: 'proxy', name: r.name })} class="strong">
                      {r.name}
                    </a>
                    {r.configErrors > 0 && <Badge tone="warn">{r.configErrors} config errors</Badge>}
                  </td>
                  <td class="hide-phone">{r.tags.map((t) => <span class="tag" key={t}>{t}</span>)}</td>
                  <td data-col="state">
                    <StateBadge state={r.state} />
                  </td>
                  <td class="num hide-phone" data-col="pid">{r.pid ?? '—'}</td>
                  <td class="num" data-col="restarts">{r.restarts}</td>
                  <td class="num" data-col="connections">{count(r.activeConnections)}</td>
                  <td class="num" data-col="in" data-value={r.bytesInPerSecond}>{rate(r.bytesInPerSecond)}</td>
                  <td class="num" data-col="out" data-value={r.bytesOutPerSecond}>{rate(r.bytesOutPerSecond)}</td>
                  <td class="num" data-col="upstreams">
                    <span class={r.upstreamsHealthy < r.upstreamsTotal ? 'warn-text' : ''}>
                      {r.upstreamsHealthy}/{r.upstreamsTotal}
                    </span>
                  </td>
                  <td data-col="suspended">{r.suspended ? <Badge tone="bad">suspended</Badge> : <span class="muted">no</span>}</td>
                  <td class="num" data-col="l7" data-value={r.l7BlockedPerSecond}>
                    {perSecond(r.l7BlockedPerSecond)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {rows.length === 0 && <p class="muted empty">No proxies{tag === '' ? '' : ` tagged ${tag}`}.</p>}
      </Panel>
      <EventLog />
    </>
  );
}
