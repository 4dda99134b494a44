import { useEffect } from 'preact/hooks';
import { seg } from '../../api/client.js';
import type { Connection } from '../../api/types.js';
import { ActionButton, Empty, ErrorBox, Loading, Panel, TableWrap } from '../../components/ui.js';
import { bytes, duration } from '../../format.js';
import { useAction, useLive, useLoad, useSession } from '../../session.js';

/** How many connections the table lists (the API answers with all of them). */
const SHOWN = 200;

/**
 * Live connections, asked of the worker. Not polled: fetched again when the stream's snapshot
 * shows the proxy's connection counts moved.
 */
export function ConnectionsPanel({ proxy, running }: { proxy: string; running: boolean }) {
  const { client } = useSession();
  const live = useLive();
  const act = useAction();
  const connections = useLoad(() => (running ? client.get<Connection[]>(`/api/proxies/${seg(proxy)}/connections`) : Promise.resolve([])), [proxy, running]);
  const values = live.proxy(proxy)?.values;
  const activity = `${values?.active_connections ?? 0}/${values?.total_connections ?? 0}/${Math.floor((values?.bytes_in ?? 0) / 65_536)}`;
  useEffect(() => connections.reload(), [activity]);

  const kill = (c: Connection): Promise<void> =>
    act(`close connection ${c.id} from ${c.src_ip}:${c.src_port}`, () => client.delete(`/api/proxies/${seg(proxy)}/connections/${seg(c.id)}`), connections.reload);

  const list = connections.data ?? [];
  return (
    <Panel title={`Live connections${connections.data === null ? '' : ` (${list.length})`}`} id="connections">
      {connections.error !== null && <ErrorBox error={connections.error} />}
      {!running ? (
        <Empty>The proxy is not running.</Empty>
      ) : connections.data === null ? (
        connections.error === null && <Loading />
      ) : list.length === 0 ? (
        <Empty>No open connections.</Empty>
      ) : (
        <TableWrap>
          <table class="table">
            <thead>
              <tr>
                <th class="num">ID</th>
                <th>Client</th>
                <th>Proto</th>
                <th class="num">Port</th>
                <th>Upstream</th>
                <th class="num">In</th>
                <th class="num">Out</th>
                <th class="num">Age</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.slice(0, SHOWN).map((c) => (
                <tr key={c.id} data-connection={c.id} data-client={`${c.src_ip}:${c.src_port}`}>
                  <td class="num">{c.id}</td>
                  <td class="mono">
                    {c.src_ip}:{c.src_port}
                  </td>
                  <td>{c.protocol}</td>
                  <td class="num">{c.listener_port}</td>
                  <td class="mono">
                    {c.upstream}:{c.upstream_port}
                  </td>
                  <td class="num">{bytes(c.bytes_in)}</td>
                  <td class="num">{bytes(c.bytes_out)}</td>
                  <td class="num">{duration((Date.now() - Date.parse(c.started_at)) / 1000)}</td>
                  <td class="actions">
                    <ActionButton action="kill" tone="danger" onClick={() => void kill(c)}>
                      Kill
                    </ActionButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.length > SHOWN && <p class="muted">and {list.length - SHOWN} more</p>}
        </TableWrap>
      )}
    </Panel>
  );
}
