import { useEffect, useMemo, useRef } from "react";
import { useComputedColorScheme } from "@mantine/core";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatDuration, formatNumber } from "../lib/format";
import { useWidth } from "../lib/useInView";

export interface ChartSeries {
  label: string;
  color: string;
  width?: number;
  /** 0..1; faint raw data behind a smoothed line. */
  alpha?: number;
  /** Left out of the test attributes (a derived line such as the smoothed one). */
  derived?: boolean;
  /** Draw a marker when the series holds a single point (a line of one point is invisible). */
  markSingle?: boolean;
}

function pointCount(ys: ArrayLike<number | null | undefined>): number {
  let n = 0;
  for (let j = 0; j < ys.length && n < 2; j++) if (ys[j] !== null && ys[j] !== undefined) n += 1;
  return n;
}

interface Props {
  /** `[x, y1, y2, ...]`, x sorted ascending. */
  data: uPlot.AlignedData;
  series: ChartSeries[];
  height?: number;
  xTime?: boolean;
  logY?: boolean;
  /** A fixed y range (percentages: 0..100) instead of one fitted to the data. */
  yRange?: [number, number];
  /** A drag selected `[min, max]` on the x axis (the chart itself does not zoom). */
  onSelectX?: (min: number, max: number) => void;
  onReset?: () => void;
  testId?: string;
  /** Charts with the same key share the hover cursor (uPlot's cursor sync). */
  syncKey?: string;
}

function withAlpha(color: string, alpha: number): string {
  const hex = color.replace("#", "");
  const full = hex.length === 3 ? hex.split("").map((c) => c + c).join("") : hex;
  const value = parseInt(full, 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** The last non-null value of a series (what its legend shows while the cursor is off the chart). */
function lastValue(ys: ArrayLike<number | null | undefined>): number | null {
  for (let j = ys.length - 1; j >= 0; j--) {
    const v = ys[j];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * The x entry of the legend says where the cursor is; off the chart there is no such place, so
 * the entry is hidden rather than showing "s: —" (the lines show their last values meanwhile).
 */
function hideIdleX(u: uPlot): void {
  const row = u.root.querySelector<HTMLElement>(".u-legend .u-series");
  if (row) row.style.display = u.legend.idx === null || u.legend.idx === undefined ? "none" : "";
}

const stepTick = (v: number) => (Math.abs(v) >= 1e6 ? `${v / 1e6}M` : Math.abs(v) >= 1e3 ? `${v / 1e3}k` : String(v));

/**
 * What the tests read: per series (raw ones only) its number of points and last point. uPlot draws
 * on a canvas, so this is how a browser test sees what the chart holds.
 */
function describe(data: uPlot.AlignedData, series: ChartSeries[]) {
  const x = data[0] as ArrayLike<number>;
  const counts: number[] = [];
  let lastX: number | null = null;
  let lastY: number | null = null;
  series.forEach((s, i) => {
    if (s.derived) return;
    const ys = data[i + 1] as ArrayLike<number | null | undefined>;
    let count = 0;
    for (let j = 0; j < ys.length; j++) {
      const v = ys[j];
      if (v !== null && v !== undefined) {
        count += 1;
        if (counts.length === 0) {
          lastX = x[j] ?? null;
          lastY = v;
        }
      }
    }
    counts.push(count);
  });
  return {
    "data-series": series.filter((s) => !s.derived).map((s) => s.label).join("|"),
    "data-series-points": counts.join(","),
    "data-points": String(counts[0] ?? 0),
    "data-last-x": lastX === null ? "" : String(lastX),
    "data-last-y": lastY === null ? "" : String(lastY),
  };
}

export function UPlotChart({ data, series, height = 220, xTime = false, logY = false, yRange, onSelectX, onReset, testId, syncKey }: Props) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const width = useWidth(holder);
  const scheme = useComputedColorScheme("light");
  const callbacks = useRef({ onSelectX, onReset });
  callbacks.current = { onSelectX, onReset };
  const dataRef = useRef(data);
  dataRef.current = data;

  const [yMin, yMax] = yRange ?? [null, null];
  const seriesKey = series.map((s) => `${s.label}:${s.color}:${s.alpha ?? 1}:${s.width ?? 1.5}`).join("|");

  // (Re)create the plot when its structure changes; data updates below go through setData.
  useEffect(() => {
    const element = holder.current;
    if (!element || width <= 0) return;
    const axis = scheme === "dark" ? "#a6a7ab" : "#495057";
    const grid = scheme === "dark" ? "rgba(255,255,255,0.08)" : "rgba(0,0,0,0.07)";
    const options: uPlot.Options = {
      width,
      height,
      legend: { show: series.length > 1 || series.some((s) => s.derived) ? true : false, live: true },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { size: 6 }, ...(syncKey ? { sync: { key: syncKey } } : {}) },
      scales: {
        x: { time: false },
        y: logY ? { distr: 3 } : yMin !== null && yMax !== null ? { auto: false, range: [yMin, yMax] } : { auto: true },
      },
      axes: [
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          values: (_u, splits) => splits.map((v) => (xTime ? formatDuration(v) : stepTick(v))),
        },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          size: 60,
          values: (_u, splits) => splits.map((v) => formatNumber(v)),
        },
      ],
      series: [
        { label: xTime ? "s" : "step", value: (_u, v) => (v === null ? "" : xTime ? formatDuration(v) : String(v)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.alpha !== undefined && s.alpha < 1 ? withAlpha(s.color, s.alpha) : s.color,
          width: s.width ?? 1.5,
          spanGaps: true,
          points: s.markSingle
            ? { show: (u: uPlot, sidx: number) => pointCount(u.data[sidx] as ArrayLike<number | null>) === 1, size: 9, fill: s.color }
            : { show: false },
          // Off the chart (no index): the line's last value; on it, a gap at the cursor is "—".
          value: (u: uPlot, v: number | null, sidx: number, idx: number | null) =>
            formatNumber(idx === null || idx === undefined ? lastValue(u.data[sidx] as ArrayLike<number | null>) : v),
        })),
      ],
      hooks: {
        setLegend: [hideIdleX],
        setSelect: [
          (u) => {
            const sel = u.select;
            if (sel.width > 3 && callbacks.current.onSelectX) {
              const min = u.posToVal(sel.left, "x");
              const max = u.posToVal(sel.left + sel.width, "x");
              callbacks.current.onSelectX(min, max);
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    const u = new uPlot(options, dataRef.current, element);
    hideIdleX(u);
    const reset = () => callbacks.current.onReset?.();
    u.over.addEventListener("dblclick", reset);
    plot.current = u;
    return () => {
      u.over.removeEventListener("dblclick", reset);
      u.destroy();
      plot.current = null;
    };
    // width is handled by setSize below once the plot exists; only a first width creates it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, height, xTime, logY, yMin, yMax, scheme, syncKey, width > 0]);

  useEffect(() => {
    if (plot.current && width > 0) plot.current.setSize({ width, height });
  }, [width, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const attributes = useMemo(() => describe(data, series), [data, series]);
  return <div ref={holder} data-testid={testId} data-chart="uplot" data-y-range={yRange?.join(",")} {...attributes} style={{ width: "100%", minHeight: height }} />;
}
