import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';

export interface Series {
  label: string;
  color: string;
  format: (value: number) => string;
  /** Whole numbers only (connections): the axis steps by integers, from 0. */
  integer?: boolean;
}

const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

const HEIGHT = 200;

/** A uPlot time-series chart that follows its container's width. `x` is in seconds since the epoch. */
export function TimeChart({ x, series, id }: { x: number[]; series: { spec: Series; values: number[] }[]; id?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data: AlignedData = [x, ...series.map((s) => s.values)];
  const shape = series.map((s) => s.spec.label).join('|');

  useEffect(() => {
    const element = host.current!;
    const format = series[0]?.spec.format ?? String;
    const integer = series[0]?.spec.integer === true;
    const options: Options = {
      width: Math.max(200, element.clientWidth),
      height: HEIGHT,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#9aa4b2', grid: { stroke: '#2a3240' }, ticks: { stroke: '#2a3240' } },
        { stroke: '#9aa4b2', grid: { stroke: '#2a3240' }, ticks: { stroke: '#2a3240' }, size: 96, values: (_u, splits) => splits.map(format), ...(integer ? { incrs: INTEGER_STEPS } : {}) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.spec.label, stroke: s.spec.color, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '—' : s.spec.format(v)) }))],
    };
    plot.current = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series change; new data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div class="chart" ref={host} id={id} />;
}
