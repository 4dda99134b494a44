import { seg } from '../../api/client.js';
import type { Bandwidth } from '../../api/types.js';
import { Badge, ErrorBox, Loading, Panel } from '../../components/ui.js';
import { bytes, dateTime } from '../../format.js';
import { useEverySnapshots, useLoad, useSession } from '../../session.js';

const PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
/** Bandwidth moves slowly against a quota: refreshed every few snapshots, not every one. */
const REFRESH_EVERY_SNAPSHOTS = 5;

function Meter({ percent }: { percent: number }) {
  const clamped = Math.min(100, Math.max(0, percent));
  return (
    <div class={`meter ${percent >= 100 ? 'meter-full' : percent >= 80 ? 'meter-high' : ''}`} role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={clamped}>
      <progress max={100} value={clamped} />
    </div>
  );
}

export function BandwidthPanel({ proxy }: { proxy: string }) {
  const { client } = useSession();
  const usage = useLoad(() => client.get<Bandwidth>(`/api/bandwidth/proxy/${seg(proxy)}`), [proxy]);
  useEverySnapshots(REFRESH_EVERY_SNAPSHOTS, usage.reload);

  return (
    <Panel title="Bandwidth" id="bandwidth">
      {usage.error !== null && <ErrorBox error={usage.error} />}
      {usage.data === null ? (
        usage.error === null && <Loading />
      ) : (
        <>
          <p class="muted">
            {usage.data.enabled ? 'Quotas on' : 'No quotas (bandwidth.enabled: false): usage is counted all the same.'}
            {usage.data.suspended && (
              <>
                {' '}
                <Badge tone="bad">suspended until {dateTime(usage.data.suspended_until)}</Badge>
              </>
            )}
          </p>
          <table class="table compact">
            <tbody>
              {PERIODS.map((p) => {
                const period = usage.data!.periods[p];
                return (
                  <tr key={p} data-period={p}>
                    <th scope="row">{p}</th>
                    <td class="num nowrap">{bytes(period.used_bytes)}</td>
                    <td class="num nowrap">{period.limit_bytes > 0 ? `of ${bytes(period.limit_bytes)}` : 'no limit'}</td>
                    <td class="grow">{period.limit_bytes > 0 && <Meter percent={period.percent} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </Panel>
  );
}
