import { useEffect, useState } from 'preact/hooks';
import type { L7Event } from '../../api/types.js';
import { Badge, Empty, ErrorBox, Loading, Panel, TableWrap } from '../../components/ui.js';
import { time } from '../../format.js';
import { useLive, useLoad, useSession } from '../../session.js';

const SHOWN = 50;

/**
 * The newest L7 events (`GET /api/l7/events`), per proxy or all. Fetched again when the stream
 * shows L7 blocks or a ban, not on a timer.
 */
export function L7EventsPanel({ proxies }: { proxies: string[] }) {
  const { client } = useSession();
  const live = useLive();
  const [proxy, setProxy] = useState('');
  const events = useLoad(() => client.get<L7Event[]>(`/api/l7/events?limit=${SHOWN}${proxy === '' ? '' : `&proxy=${encodeURIComponent(proxy)}`}`), [proxy]);
  const blocked = live.counters?.totals.values.l7_blocked ?? 0;
  const latestBan = live.events.find((e) => e.type === 'ban.added')?.seq ?? 0;
  useEffect(() => {
    if (events.data !== null) events.reload();
  }, [blocked, latestBan]);

  const picker = (
    <label class="filter">
      Proxy
      <select id="l7-events-proxy" value={proxy} onChange={(e) => setProxy((e.target as HTMLSelectElement).value)}>
        <option value="">all</option>
        {proxies.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );

  const list = events.data ?? [];
  return (
    <Panel title="Recent L7 events" actions={picker} id="l7-events">
      {events.error !== null && <ErrorBox error={events.error} />}
      {events.data === null ? (
        events.error === null && <Loading />
      ) : list.length === 0 ? (
        <Empty>No L7 events{proxy === '' ? '' : ` for ${proxy}`}.</Empty>
      ) : (
        <TableWrap>
          <table class="table compact" id="l7-event-list">
            <thead>
              <tr>
                <th>Time</th>
                <th>Proxy</th>
                <th>Client</th>
                <th>Event</th>
                <th>Action</th>
                <th class="num">Score</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.id} data-l7-event={e.event_type} data-ip={e.ip}>
                  <td class="nowrap muted">{time(e.time)}</td>
                  <td>{e.proxy}</td>
                  <td class="mono">
                    {e.ip} <span class="muted">{e.protocol}</span>
                  </td>
                  <td>{e.event_type}</td>
                  <td>
                    <Badge tone={e.action === 'banned' ? 'bad' : 'warn'}>{e.action}</Badge>
                  </td>
                  <td class="num">{e.score}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
