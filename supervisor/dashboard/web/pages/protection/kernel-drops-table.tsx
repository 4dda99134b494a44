import type { CountersEvent } from '../../api/types.js';
import { Empty, TableWrap } from '../../components/ui.js';
import { bytes, count, perSecond } from '../../format.js';
import { useLive } from '../../session.js';
import { kindSource } from './rule-kinds.js';

/** Packets the kernel dropped across every proxy and rule kind, as of the snapshot: a change means the rule list moved too. */
export function droppedPackets(counters: CountersEvent | null): number {
  let total = 0;
  for (const proxy of counters?.proxies ?? []) for (const kind of proxy.iptables) total += kind.values.dropped_packets ?? 0;
  return total;
}

/**
 * What the kernel dropped per proxy and rule kind since the supervisor started (the
 * `routex_iptables_dropped_*` metrics), straight from the event stream: live every second, and
 * shown to read-only keys too.
 */
export function KernelDropsTable() {
  const live = useLive();
  const rows = (live.counters?.proxies ?? []).flatMap((p) => p.iptables.map((k) => ({ proxy: p.name, ...k })));
  if (rows.length === 0) return <Empty>No kernel rule counts: no proxy has kernel rules.</Empty>;
  return (
    <TableWrap>
      <table class="table compact" id="iptables-drops">
        <thead>
          <tr>
            <th>Proxy</th>
            <th>Rule kind</th>
            <th class="num">Dropped/s</th>
            <th class="num">Packets</th>
            <th class="num hide-phone">Bytes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.proxy}/${r.kind}`} data-proxy={r.proxy} data-kind={r.kind}>
              <td>{r.proxy}</td>
              <td>
                {r.kind}
                <span class="muted sub kind-source">{kindSource(r.kind)}</span>
              </td>
              <td class="num" data-col="rate" data-value={r.per_second.dropped_packets ?? 0}>
                {perSecond(r.per_second.dropped_packets ?? 0)}
              </td>
              <td class="num" data-col="packets" data-value={r.values.dropped_packets ?? 0}>
                {count(r.values.dropped_packets ?? 0)}
              </td>
              <td class="num nowrap hide-phone" data-col="bytes">
                {bytes(r.values.dropped_bytes ?? 0)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
