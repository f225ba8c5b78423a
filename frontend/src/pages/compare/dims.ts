/**
 * The dimensions of parallel coordinates and the scatter: each scalar config and summary entry of
 * the compared runs, numeric or categorical, with each run's value.
 */
import type { JsonObject, JsonValue } from "../../api/types";
import { flatten } from "../../lib/flatten";

export interface Dimension {
  key: string;
  kind: "number" | "category";
  /** One per run, in the order of the runs; null where a run has no such entry. */
  values: (number | string | null)[];
}

export interface RunValues {
  config: JsonObject | null;
  summary: JsonObject | null;
}

function scalar(value: JsonValue): number | string | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return null;
}

export function dimensions(runs: readonly RunValues[]): Dimension[] {
  const table = new Map<string, (number | string | null)[]>();
  runs.forEach((run, index) => {
    const entries = [
      ...flatten(run.config ?? {}).map(([k, v]) => [`config.${k}`, v] as const),
      ...flatten(run.summary ?? {}).map(([k, v]) => [`summary.${k}`, v] as const),
    ];
    for (const [key, raw] of entries) {
      const value = scalar(raw);
      if (value === null) continue;
      let column = table.get(key);
      if (!column) {
        column = new Array<number | string | null>(runs.length).fill(null);
        table.set(key, column);
      }
      column[index] = value;
    }
  });
  return [...table.entries()].map(([key, values]) => {
    const numeric = values.every((v) => v === null || typeof v === "number");
    return {
      key,
      kind: numeric ? "number" : "category",
      values: numeric ? values : values.map((v) => (v === null ? null : String(v))),
    };
  });
}

/** Dimensions worth showing: those whose values differ between runs (numeric first); all when none differ. */
export function defaultDimensions(dims: readonly Dimension[], limit = 8): string[] {
  const varies = (d: Dimension) => new Set(d.values.filter((v) => v !== null)).size > 1;
  const varying = dims.filter(varies);
  const pool = varying.length ? varying : [...dims];
  return pool
    .sort((a, b) => (a.kind === "number" ? 0 : 1) - (b.kind === "number" ? 0 : 1))
    .slice(0, limit)
    .map((d) => d.key);
}

/** `[min, max]` of a numeric dimension (a zero span widened so points sit in the middle). */
export function extent(values: readonly (number | string | null)[], margin = 0): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== "number") continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (min === Infinity) return [0, 1];
  if (min === max) return [min - 1, max + 1];
  const pad = (max - min) * margin;
  return [min - pad, max + pad];
}

/** Position 0..1 of a value along its dimension (numbers by value, categories evenly spaced). */
export function scaler(dim: Dimension): (value: number | string | null) => number | null {
  if (dim.kind === "number") {
    const [min, max] = extent(dim.values);
    return (v) => (typeof v === "number" ? (v - min) / (max - min) : null);
  }
  const categories = [...new Set(dim.values.filter((v): v is string => v !== null))].sort();
  return (v) => {
    if (v === null) return null;
    const at = categories.indexOf(String(v));
    if (at < 0) return null;
    return categories.length === 1 ? 0.5 : at / (categories.length - 1);
  };
}
