import { useState } from 'preact/hooks';
import { seg } from '../../api/client.js';
import type { History } from '../../api/types.js';
import { TimeChart } from '../../components/chart.js';
import { Empty, ErrorBox, Loading, Panel } from '../../components/ui.js';
import { count, rate } from '../../format.js';
import { useEverySnapshots, useLoad, useSession } from '../../session.js';

/** New samples arrive every metrics.flush_interval_seconds (10 s by default). */
const REFRESH_EVERY_SNAPSHOTS = 10;

/** Each range with a step that keeps the chart to a few hundred points. */
const RANGES = [
  { label: '1 h', hours: 1, step: 10 },
  { label: '24 h', hours: 24, step: 300 },
  { label: '7 d', hours: 168, step: 1800 },
] as const;

const CONNECTIONS = { label: 'Active connections', color: '#5fb3ff', format: (v: number) => count(Math.round(v)), integer: true };
const BYTES_IN = { label: 'In', color: '#4cd08a', format: rate };
const BYTES_OUT = { label: 'Out', color: '#f2a950', format: rate };

/** Connections and throughput from the SQLite history (`/api/stats/proxy/{name}/history`). */
export function HistoryCharts({ proxy }: { proxy: string }) {
  const { client } = useSession();
  const [range, setRange] = useState<(typeof RANGES)[number]>(RANGES[0]);
  const history = useLoad(() => client.get<History>(`/api/stats/proxy/${seg(proxy)}/history?hours=${range.hours}&step=${range.step}&limit=1000`), [proxy, range]);
  useEverySnapshots(REFRESH_EVERY_SNAPSHOTS, history.reload);

  const buttons = (
    <div class="segmented" role="group" aria-label="Range">
      {RANGES.map((r) => (
        <button key={r.label} type="button" class={r === range ? 'active' : ''} aria-pressed={r === range} onClick={() => setRange(r)}>
          {r.label}
        </button>
      ))}
    </div>
  );

  const points = history.data?.points ?? [];
  const x = points.map((p) => Date.parse(p.timestamp) / 1000);
  return (
    <Panel title="History" actions={buttons} id="history">
      {history.error !== null && <ErrorBox error={history.error} />}
      {history.data === null ? (
        history.error === null && <Loading />
      ) : !history.data.metrics_enabled ? (
        <Empty>{history.data.message ?? 'Metric history is off (metrics.enabled: false).'}</Empty>
      ) : points.length === 0 ? (
        <Empty>No samples in this range yet (one is written every metrics.flush_interval_seconds).</Empty>
      ) : (
        <div class="charts">
          <div>
            <h3>Connections</h3>
            <TimeChart id="chart-connections" x={x} series={[{ spec: CONNECTIONS, values: points.map((p) => p.active_connections) }]} />
          </div>
          <div>
            <h3>Throughput</h3>
            <TimeChart
              id="chart-throughput"
              x={x}
              series={[
                { spec: BYTES_IN, values: points.map((p) => p.bytes_in_per_second) },
                { spec: BYTES_OUT, values: points.map((p) => p.bytes_out_per_second) },
              ]}
            />
          </div>
        </div>
      )}
    </Panel>
  );
}
