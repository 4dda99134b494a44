import { useEffect } from 'preact/hooks';
import { seg } from '../api/client.js';
import type { ProxySummary } from '../api/types.js';
import { EventLog } from '../components/event-log.js';
import { Badge, ErrorBox, Loading, Panel, StateBadge } from '../components/ui.js';
import { count, dateTime, duration, rate } from '../format.js';
import { useLive, useLoad, useSession } from '../session.js';
import { BandwidthPanel } from './proxy/bandwidth-panel.js';
import { ConnectionsPanel } from './proxy/connections-panel.js';
import { HistoryCharts } from './proxy/history-charts.js';
import { UpstreamsPanel } from './proxy/upstreams-panel.js';

function Facts({ proxy }: { proxy: ProxySummary }) {
  const live = useLive().proxy(proxy.name);
  const facts: [string, string][] = [
    ['PID', String(live?.pid ?? proxy.pid ?? '—')],
    ['Restarts', String(Math.max(live?.restarts ?? 0, proxy.restarts))],
    ['Connections', count(live?.values.active_connections ?? proxy.active_connections)],
    ['In', rate(live?.per_second.bytes_in ?? 0)],
    ['Out', rate(live?.per_second.bytes_out ?? 0)],
    ['Up for', proxy.started_at === null || (live?.state ?? proxy.state) !== 'running' ? '—' : duration((Date.now() - Date.parse(proxy.started_at)) / 1000)],
  ];
  return (
    <div class="cards">
      {facts.map(([label, value]) => (
        <div class="card" key={label} data-fact={label.toLowerCase()}>
          <div class="card-label">{label}</div>
          <div class="card-value">{value}</div>
        </div>
      ))}
    </div>
  );
}

function Problems({ proxy }: { proxy: ProxySummary }) {
  if (proxy.last_error === null && proxy.config_errors.length === 0) return null;
  return (
    <Panel title="Problems" id="problems">
      {proxy.last_error !== null && (
        <p class="error-text">
          Last error ({dateTime(proxy.last_error.at)}): {proxy.last_error.message}
        </p>
      )}
      {proxy.config_errors.length > 0 && (
        <>
          <p>The file on disk is rejected; the proxy keeps its last good config:</p>
          <ul class="problems">
            {proxy.config_errors.map((e) => (
              <li key={e.path + e.message}>
                <code>{e.path || '(file)'}</code> {e.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}

export function ProxyPage({ name }: { name: string }) {
  const { client } = useSession();
  const live = useLive();
  const proxy = useLoad(() => client.get<ProxySummary>(`/api/proxies/${seg(name)}`), [name]);
  // The newest event about this proxy (the log is capped, so a count would stop moving).
  const latest = live.events.find((e) => e.data.proxy === name)?.seq ?? 0;
  useEffect(() => proxy.reload(), [latest]);

  if (proxy.error !== null && proxy.data === null) return <ErrorBox error={proxy.error} />;
  if (proxy.data === null) return <Loading />;
  const p = proxy.data;
  const state = live.proxy(name)?.state ?? p.state;
  const running = state === 'running';
  return (
    <>
      <div class="page-head">
        <h1>
          <a href="#/" class="muted">
            Proxies
          </a>{' '}
          / {p.name}
        </h1>
        <StateBadge state={state} />
        {p.suspended && <Badge tone="bad">suspended: {p.suspended_reason}</Badge>}
        {p.tags.map((t) => (
          <span class="tag" key={t}>
            {t}
          </span>
        ))}
      </div>
      {p.description !== '' && <p class="muted">{p.description}</p>}
      <p class="listeners">
        {p.listeners.length === 0 ? <span class="muted">No listeners bound.</span> : p.listeners.map((l) => <code key={`${l.protocol}${l.ip}${l.port}`}>{`${l.protocol} ${l.ip}:${l.port}`}</code>)}
      </p>
      <Facts proxy={p} />
      <Problems proxy={p} />
      <div class="grid-2">
        <UpstreamsPanel proxy={name} running={running} />
        <BandwidthPanel proxy={name} />
      </div>
      <HistoryCharts proxy={name} />
      <ConnectionsPanel proxy={name} running={running} />
      <EventLog proxy={name} />
    </>
  );
}
