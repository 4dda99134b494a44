import { useEffect, useState } from 'preact/hooks';
import { seg } from '../../api/client.js';
import type { Ban } from '../../api/types.js';
import { ActionButton, Empty, ErrorBox, Loading, Panel, TableWrap } from '../../components/ui.js';
import { dateTime, duration, time } from '../../format.js';
import { can, useAction, useLive, useLoad, useSession } from '../../session.js';

function expiry(ban: Ban): string {
  if (ban.expires_at === null) return 'until unbanned';
  return `in ${duration((Date.parse(ban.expires_at) - Date.now()) / 1000)}`;
}

function BanForm({ onBanned }: { onBanned: () => void }) {
  const { client, identity } = useSession();
  const act = useAction();
  const [target, setTarget] = useState('');
  const [length, setLength] = useState('1h');
  const [reason, setReason] = useState('');

  const submit = (event: Event): void => {
    event.preventDefault();
    const query = new URLSearchParams();
    if (length.trim() !== '') query.set('duration', length.trim());
    if (reason.trim() !== '') query.set('reason', reason.trim());
    const text = target.trim();
    void act(`${text} banned`, () => client.post(`/api/l7/banned/${seg(text)}?${query.toString()}`), () => {
      setTarget('');
      setReason('');
      onBanned();
    });
  };

  return (
    <form class="inline-form" id="ban-form" onSubmit={submit} hidden={!can(identity, '*')}>
      <input name="target" placeholder="IP or CIDR, e.g. 203.0.113.7" value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} required aria-label="IP or CIDR" />
      <input name="duration" class="short" placeholder="1h (empty: until unbanned)" value={length} onInput={(e) => setLength((e.target as HTMLInputElement).value)} aria-label="Duration" />
      <input name="reason" placeholder="reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} aria-label="Reason" />
      <button type="submit" class="btn btn-primary btn-small" data-action="ban">
        Ban
      </button>
    </form>
  );
}

/** The one ban list of every proxy: expiry, unban, and a manual ban. Refetched on each ban event of the stream. */
export function BansPanel() {
  const { client } = useSession();
  const live = useLive();
  const act = useAction();
  const bans = useLoad(() => client.get<Ban[]>('/api/l7/banned'), []);
  const latest = live.events.find((e) => e.type === 'ban.added' || e.type === 'ban.removed')?.seq ?? 0;
  useEffect(() => {
    if (latest !== 0) bans.reload();
  }, [latest]);

  const unban = (ban: Ban): Promise<void> => act(`${ban.ip} unbanned`, () => client.delete(`/api/l7/banned/${seg(ban.ip)}`), bans.reload);
  const list = bans.data ?? [];
  return (
    <Panel title={`Bans${bans.data === null ? '' : ` (${list.length})`}`} id="bans">
      {bans.error !== null && <ErrorBox error={bans.error} />}
      {bans.data === null ? (
        bans.error === null && <Loading />
      ) : list.length === 0 ? (
        <Empty>Nobody is banned.</Empty>
      ) : (
        <TableWrap>
          <table class="table" id="ban-list">
            <thead>
              <tr>
                <th>Address</th>
                <th>Reason</th>
                <th>By</th>
                <th>Since</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((ban) => (
                <tr key={ban.ip} data-ban={ban.ip}>
                  <td class="mono">{ban.ip}</td>
                  <td>{ban.reason}</td>
                  <td>{ban.node === null ? ban.source : `${ban.source} (${ban.node})`}</td>
                  <td class="nowrap" title={dateTime(ban.created_at)}>
                    {time(ban.created_at)}
                  </td>
                  <td class="nowrap" title={ban.expires_at ?? undefined}>
                    {expiry(ban)}
                  </td>
                  <td class="actions">
                    <ActionButton action="unban" onClick={() => void unban(ban)}>
                      Unban
                    </ActionButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {bans.error === null && <BanForm onBanned={bans.reload} />}
    </Panel>
  );
}
