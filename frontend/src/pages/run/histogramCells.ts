/** Geometry of the histogram-over-steps heat map: pure, so it is tested without a browser. */
import type { HistogramEntry } from "../../api/histograms";

export interface HeatCell {
  column: number;
  bucket: number;
  step: number;
  low: number;
  high: number;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** 0..1: the bucket's share of its step's largest bucket (each step scaled on its own, as TensorBoard does). */
  opacity: number;
}

export interface HeatModel {
  cells: HeatCell[];
  low: number;
  high: number;
}

/** Cells of a `width` x `height` plot: one column per entry, values mapped onto the common value range. */
export function heatCells(entries: HistogramEntry[], width: number, height: number): HeatModel {
  const withData = entries.filter((e) => e.counts.length > 0 && e.edges.length === e.counts.length + 1);
  if (withData.length === 0) return { cells: [], low: 0, high: 0 };
  const low = Math.min(...withData.map((e) => e.edges[0] as number));
  let high = Math.max(...withData.map((e) => e.edges[e.edges.length - 1] as number));
  if (high === low) high = low + 1;
  const span = high - low;
  const columnWidth = width / withData.length;
  const toY = (value: number) => height - ((value - low) / span) * height;
  const cells: HeatCell[] = [];
  withData.forEach((entry, column) => {
    const peak = Math.max(...entry.counts, 1);
    entry.counts.forEach((count, bucket) => {
      if (count <= 0) return;
      const lo = entry.edges[bucket] as number;
      const hi = entry.edges[bucket + 1] as number;
      const top = toY(hi);
      cells.push({
        column,
        bucket,
        step: entry.step,
        low: lo,
        high: hi,
        count,
        x: column * columnWidth,
        y: top,
        width: columnWidth,
        height: Math.max(toY(lo) - top, 1),
        opacity: count / peak,
      });
    });
  });
  return { cells, low, high };
}
