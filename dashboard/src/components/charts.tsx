import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

type Series = { label: string; values: number[]; color: string; dash?: number[] };

/** A uPlot chart that follows its container's width. */
function useChart(build: (width: number) => uPlot.Options, data: uPlot.AlignedData, deps: unknown[]) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const chart = new uPlot(build(element.clientWidth || 600), data, element);
    const observer = new ResizeObserver(() => chart.setSize({ width: element.clientWidth || 600, height: 260 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, deps);
  return box;
}

/** Every n-th label, so that labels keep about 56 px each: all 24 hours at a desk, every third on a phone. */
const labelStep = (count: number, width: number) => Math.ceil(count / Math.max(4, Math.floor(width / 56)));

const axisStyle = { stroke: '#333', grid: { stroke: '#e3e6ea' }, ticks: { stroke: '#c9ced4' } };

/** Calls per day, with the same days a year earlier as a dashed line; days as categories (dd/mm). */
export function DayChart({
  rows,
  previous,
}: {
  rows: { date: string; calls: number; answered: number; abandoned: number }[];
  previous: { calls: number }[] | null;
}) {
  const labels = rows.map((row) => `${row.date.slice(8, 10)}/${row.date.slice(5, 7)}`);
  const xs = labels.map((_, index) => index);
  const series: Series[] = [
    { label: 'Chiamate', values: rows.map((row) => row.calls), color: '#1f5fbf' },
    { label: 'Risposte', values: rows.map((row) => row.answered), color: '#2e7d32' },
    { label: 'Abbandonate', values: rows.map((row) => row.abandoned), color: '#c62828' },
  ];
  if (previous && previous.length)
    series.push({ label: 'Chiamate un anno prima', values: rows.map((_, index) => previous[index]?.calls ?? 0), color: '#6b7280', dash: [6, 4] });
  const box = useChart(
    (width) => ({
      width,
      height: 260,
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
      axes: [
        {
          ...axisStyle,
          values: (_u, ticks) => ticks.map((tick) => labels[tick] ?? ''),
          splits: () => xs.filter((x) => x % labelStep(labels.length, width) === 0),
        },
        axisStyle,
      ],
      series: [
        { label: 'Giorno', value: (_u, v) => (v === null ? '—' : (rows[v]?.date.split('-').reverse().join('/') ?? '—')) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, points: { show: rows.length <= 45, size: 6 } })),
      ],
    }),
    [xs, ...series.map((s) => s.values)],
    [JSON.stringify(rows), JSON.stringify(previous)],
  );
  return <div class="chart" ref={box} role="img" aria-label="Grafico delle chiamate per giorno" />;
}

/** Bars for the first series over categorical labels (hours of the day), lines for the others. */
export function BarChart({ labels, series, xLabel }: { labels: string[]; series: Series[]; xLabel: string }) {
  const xs = labels.map((_, index) => index);
  const box = useChart(
    (width) => ({
      width,
      height: 260,
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
      // Every label when they fit, every other one (or fewer) when they would overlap.
      axes: [
        {
          ...axisStyle,
          values: (_u, ticks) => ticks.map((tick) => labels[tick] ?? ''),
          splits: () => xs.filter((x) => x % labelStep(labels.length, width) === 0),
        },
        axisStyle,
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '—' : xLabel === 'Ora' ? `${labels[v] ?? v}:00` : (labels[v] ?? String(v))) },
        ...series.map((s, index) =>
          index === 0
            ? { label: s.label, stroke: s.color, fill: `${s.color}55`, width: 1, paths: uPlot.paths.bars!({ size: [0.7, 48] }), points: { show: false } }
            : { label: s.label, stroke: s.color, width: 2, points: { show: true, size: 5 } },
        ),
      ],
    }),
    [xs, ...series.map((s) => s.values)],
    [JSON.stringify(labels), JSON.stringify(series)],
  );
  return <div class="chart" ref={box} role="img" aria-label="Grafico delle chiamate per fascia oraria" />;
}
