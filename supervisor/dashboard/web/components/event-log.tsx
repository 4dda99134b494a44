import type { LiveEvent } from '../api/types.js';
import { time } from '../format.js';
import { useLive } from '../session.js';
import { Empty, Panel, TableWrap } from './ui.js';

/** One line per event, in the operator's words. */
export function describeEvent(event: LiveEvent): string {
  const d = event.data as Record<string, string | number | boolean | null | { path: string; message: string }[]>;
  switch (event.type) {
    case 'proxy.state':
      return `${d.proxy}: ${d.previous} → ${d.state}${d.pid ? ` (pid ${d.pid})` : ''}`;
    case 'worker.crashed':
      return `${d.proxy}: worker ${d.pid ?? ''} crashed (${d.signal ?? `exit code ${d.code}`}), restart #${d.restarts} in ${d.restart_in_ms} ms`;
    case 'upstream.health':
      return `${d.proxy}: upstream ${d.upstream} is ${d.healthy ? 'healthy' : 'unhealthy'}`;
    case 'config.rejected':
      return `${d.proxy}: config rejected — ${(d.errors as { path: string; message: string }[]).map((e) => `${e.path || '(file)'}: ${e.message}`).join('; ')}`;
    case 'proxy.suspended':
      return `${d.proxy}: ${d.suspended ? `suspended (${d.reason})` : 'resumed'}`;
    case 'ban.added':
      return `${d.ip} banned by ${d.source}${d.expires_at ? ` until ${time(String(d.expires_at))}` : ''}: ${d.reason}`;
    case 'ban.removed':
      return `${d.ip} ${d.cause === 'expired' ? 'ban expired' : 'unbanned'}`;
    default:
      return `${event.type} ${JSON.stringify(event.data)}`;
  }
}

const BAD = new Set(['worker.crashed', 'config.rejected']);

export function EventLog({ proxy }: { proxy?: string }) {
  const live = useLive();
  const events = live.events.filter((e) => proxy === undefined || e.data.proxy === proxy).slice(0, 20);
  return (
    <Panel title="Recent events" id="event-log">
      {events.length === 0 ? (
        <Empty>Nothing has happened since this page opened.</Empty>
      ) : (
        <TableWrap>
          <table class="table compact">
            <tbody>
              {events.map((e) => (
                <tr key={e.seq} data-event={e.type} class={BAD.has(e.type) || (e.type === 'upstream.health' && e.data.healthy === false) ? 'row-bad' : ''}>
                  <td class="nowrap muted">{time(e.at)}</td>
                  <td>{describeEvent(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Panel>
  );
}
