/**
 * One metric of one run as sorted columns, merged with live rows, smoothed, and turned into the
 * arrays uPlot draws. Pure functions: the charts and the tests use the same code.
 */
import type { MetricRow } from "../api/types";

/**
 * Points where the metric has a value, ordered by step; `time` is the event's Unix time, `epoch`
 * the `epoch` the script logged with it (when the row carries one).
 */
export interface Points {
  step: number[];
  time: (number | null)[];
  epoch: (number | null)[];
  value: number[];
}

/** Keys of a metrics row that are bookkeeping, never a chart of their own (`epoch` is a chart too). */
export const NOT_METRICS = new Set(["global_step", "step", "time", "stage"]);

export function emptyPoints(): Points {
  return { step: [], time: [], epoch: [], value: [] };
}

function numberOr(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The points of `metric` in `rows` (rows in step order, as the API answers them). */
export function pointsFromRows(rows: readonly MetricRow[], metric: string): Points {
  const points = emptyPoints();
  mergeRows(points, rows, metric);
  return points;
}

/** Index of the first step >= `step` (binary search). */
function lowerBound(steps: number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((steps[mid] as number) < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges `rows` into `points` in place: a new step is appended (or inserted in order), a step
 * already there is replaced, as the live WebSocket asks. Returns how many points changed.
 */
export function mergeRows(points: Points, rows: readonly MetricRow[], metric: string): number {
  let changed = 0;
  for (const row of rows) {
    const value = numberOr(row[metric]);
    const step = numberOr(row.global_step);
    if (value === null || step === null) continue;
    const time = numberOr(row.time);
    const epoch = numberOr(row.epoch);
    const n = points.step.length;
    changed += 1;
    if (n === 0 || step > (points.step[n - 1] as number)) {
      points.step.push(step);
      points.time.push(time);
      points.epoch.push(epoch);
      points.value.push(value);
      continue;
    }
    const at = lowerBound(points.step, step);
    if (points.step[at] === step) {
      points.value[at] = value;
      points.time[at] = time;
      points.epoch[at] = epoch;
    } else {
      points.step.splice(at, 0, step);
      points.time.splice(at, 0, time);
      points.epoch.splice(at, 0, epoch);
      points.value.splice(at, 0, value);
    }
  }
  return changed;
}

/**
 * Exponential moving average, debiased (TensorBoard's smoothing): `weight` 0 is the raw data,
 * 0.99 very smooth. The first points are not pulled towards zero.
 */
export function ema(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values.slice();
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    count += 1;
    return last / (1 - Math.pow(weight, count));
  });
}

export type XMode = "step" | "time" | "epoch";

/** The column a chart asks for beside its metric to draw its x axis (none for steps). */
export function xColumn(mode: XMode): "time" | "epoch" | null {
  return mode === "step" ? null : mode;
}

/**
 * x and y columns for a chart: by step, by seconds since `t0`, or by the logged epoch (points
 * without a time / an epoch dropped).
 */
export function xy(points: Points, mode: XMode, t0: number): { x: number[]; y: number[] } {
  if (mode === "step") return { x: points.step, y: points.value };
  const source = mode === "time" ? points.time : points.epoch;
  const offset = mode === "time" ? t0 : 0;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < points.step.length; i++) {
    const v = source[i];
    if (v === null || v === undefined) continue;
    x.push(v - offset);
    y.push(points.value[i] as number);
  }
  return { x, y };
}

/** Values a log axis can draw (positive), others as gaps. */
export function forLog(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (v !== null && v > 0 ? v : null));
}

/**
 * Several (x, y) series on one shared, sorted x column, `null` where a series has no point:
 * the table uPlot wants when runs are overlaid.
 */
export function align(series: readonly { x: readonly number[]; y: readonly (number | null)[] }[]): {
  x: number[];
  ys: (number | null)[][];
} {
  const xs = new Set<number>();
  for (const s of series) for (const v of s.x) xs.add(v);
  const x = Array.from(xs).sort((a, b) => a - b);
  const index = new Map<number, number>();
  x.forEach((v, i) => index.set(v, i));
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(x.length).fill(null);
    s.x.forEach((v, i) => {
      column[index.get(v) as number] = s.y[i] ?? null;
    });
    return column;
  });
  return { x, ys };
}

/** Metric names grouped by their prefix before the first `/` (`train/loss` → `train`). */
export function groupByPrefix(names: readonly string[]): { group: string; metrics: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const slash = name.indexOf("/");
    const group = slash > 0 ? name.slice(0, slash) : "";
    const list = groups.get(group) ?? [];
    list.push(name);
    groups.set(group, list);
  }
  return Array.from(groups.entries())
    .sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))
    .map(([group, metrics]) => ({ group, metrics: metrics.sort((a, b) => a.localeCompare(b)) }));
}

/** The metric names among a table's columns, given some sample rows to tell numbers from text. */
export function metricNames(columns: readonly string[], rows: readonly MetricRow[]): string[] {
  const textual = new Set<string>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) if (typeof value === "string") textual.add(key);
  }
  return columns.filter((c) => !NOT_METRICS.has(c) && !textual.has(c));
}
