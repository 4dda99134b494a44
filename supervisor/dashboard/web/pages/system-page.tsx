import type { SystemInfo } from '../api/types.js';
import { Badge, ErrorBox, Loading, Panel, StateBadge, TableWrap } from '../components/ui.js';
import { bytes, dateTime, duration } from '../format.js';
import { href } from '../router.js';
import { useEverySnapshots, useLoad, useSession } from '../session.js';

const REFRESH_EVERY_SNAPSHOTS = 5;

export function SystemPage() {
  const { client } = useSession();
  const system = useLoad(() => client.get<SystemInfo>('/api/system'), []);
  useEverySnapshots(REFRESH_EVERY_SNAPSHOTS, system.reload);
  if (system.error !== null && system.data === null) return <ErrorBox error={system.error} />;
  if (system.data === null) return <Loading />;
  const s = system.data;
  const facts: [string, string][] = [
    ['Version', `${s.project} ${s.version}`],
    ['Uptime', duration(s.uptime_seconds)],
    ['Started', dateTime(s.started_at)],
    ['Supervisor PID', String(s.pid)],
    ['Supervisor memory', `${bytes(s.memory.rss_bytes)} RSS, heap ${bytes(s.memory.heap_used_bytes)} of ${bytes(s.memory.heap_total_bytes)}`],
    ['Node.js', `${s.node_version} (${s.platform}/${s.arch}, ${s.num_cpu} CPUs)`],
    ['Time zone', s.timezone],
  ];
  return (
    <>
      <Panel title="Supervisor" id="supervisor">
        <dl class="facts">
          {facts.map(([label, value]) => (
            <div key={label} data-fact={label.toLowerCase()}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <p class="features">
          {Object.entries(s.features).map(([name, on]) => (
            <Badge key={name} tone={on ? 'good' : 'muted'}>
              {name.replace(/_/g, ' ')}: {on ? 'on' : 'off'}
            </Badge>
          ))}
        </p>
      </Panel>
      <Panel title="Workers" id="workers">
        <TableWrap>
          <table class="table">
            <thead>
              <tr>
                <th>Proxy</th>
                <th>State</th>
                <th class="num">PID</th>
                <th class="num">Restarts</th>
                <th class="num">Memory (RSS)</th>
              </tr>
            </thead>
            <tbody>
              {s.workers.map((w) => (
                <tr key={w.proxy} data-proxy={w.proxy}>
                  <td>
                    <a href={href({ page: 'proxy', name: w.proxy })}>{w.proxy}</a>
                  </td>
                  <td>
                    <StateBadge state={w.state} />
                  </td>
                  <td class="num">{w.pid ?? '—'}</td>
                  <td class="num">{w.restarts}</td>
                  <td class="num" data-col="rss">{w.rss_bytes === null ? '—' : bytes(w.rss_bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </Panel>
    </>
  );
}
