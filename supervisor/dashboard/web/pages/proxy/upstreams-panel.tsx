import { useEffect } from 'preact/hooks';
import { seg } from '../../api/client.js';
import type { Upstream } from '../../api/types.js';
import { ActionButton, Badge, Empty, ErrorBox, Loading, Panel, TableWrap } from '../../components/ui.js';
import { count, time } from '../../format.js';
import { useAction, useLive, useLoad, useSession } from '../../session.js';

function hostPort(u: Upstream): string {
  return u.ip.includes(':') ? `[${u.ip}]:${u.port}` : `${u.ip}:${u.port}`;
}

function Health({ upstream }: { upstream: Upstream }) {
  if (upstream.manual_state === 'ejected') return <Badge tone="warn">ejected</Badge>;
  return upstream.healthy ? <Badge tone="good">healthy</Badge> : <Badge tone="bad">unhealthy</Badge>;
}

/** The proxy's upstreams, asked of its worker; fetched again on each health change from the stream. */
export function UpstreamsPanel({ proxy, running }: { proxy: string; running: boolean }) {
  const { client } = useSession();
  const live = useLive();
  const act = useAction();
  const upstreams = useLoad(() => (running ? client.get<Upstream[]>(`/api/proxies/${seg(proxy)}/upstreams`) : Promise.resolve([])), [proxy, running]);
  const latestHealthChange = live.events.find((e) => e.type === 'upstream.health' && e.data.proxy === proxy)?.seq ?? 0;
  useEffect(() => upstreams.reload(), [latestHealthChange]);

  const toggle = (u: Upstream): Promise<void> => {
    const action = u.manual_state === 'ejected' ? 'readmit' : 'eject';
    return act(`${action} ${hostPort(u)}`, () => client.post(`/api/proxies/${seg(proxy)}/upstreams/${seg(hostPort(u))}/${action}`), upstreams.reload);
  };

  return (
    <Panel title="Upstreams" id="upstreams">
      {upstreams.error !== null && <ErrorBox error={upstreams.error} />}
      {!running ? (
        <Empty>The proxy is not running: its worker reports upstream health.</Empty>
      ) : upstreams.data === null ? (
        upstreams.error === null && <Loading />
      ) : (
        <TableWrap>
          <table class="table">
            <thead>
              <tr>
                <th>Upstream</th>
                <th>Health</th>
                <th class="num">Latency</th>
                <th class="num">Active</th>
                <th class="num">Total</th>
                <th class="num">Weight</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {upstreams.data.map((u) => (
                <tr key={hostPort(u)} data-upstream={hostPort(u)}>
                  <td>
                    <span class="mono">{hostPort(u)}</span>
                    {u.last_probe_error !== null && <div class="sub error-text">{u.last_probe_error}</div>}
                  </td>
                  <td data-col="health">
                    <Health upstream={u} />
                  </td>
                  <td class="num" title={`last probe ${time(u.last_probe_at)}`}>
                    {u.last_probe_latency_ms === null ? '—' : `${u.last_probe_latency_ms.toFixed(1)} ms`}
                  </td>
                  <td class="num">{count(u.active_connections)}</td>
                  <td class="num">{count(u.total_connections)}</td>
                  <td class="num">{u.weight}</td>
                  <td class="actions">
                    <ActionButton action={u.manual_state === 'ejected' ? 'readmit' : 'eject'} onClick={() => void toggle(u)} tone={u.manual_state === 'ejected' ? undefined : 'danger'}>
                      {u.manual_state === 'ejected' ? 'Readmit' : 'Eject'}
                    </ActionButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
