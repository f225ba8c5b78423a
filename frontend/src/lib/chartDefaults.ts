/**
 * How metric charts start: smoothing and x axis, chosen in Settings and remembered in this
 * browser (localStorage). The run and compare pages read them once when they open; changing the
 * controls there changes that page only.
 */
import type { XMode } from "./series";

export interface ChartDefaults {
  /** EMA weight, 0 (off) to MAX_SMOOTHING. */
  smoothing: number;
  xAxis: XMode;
}

export const STORAGE_KEY = "runicorn.chartDefaults";
export const MAX_SMOOTHING = 0.99;
export const DEFAULT_CHART_DEFAULTS: ChartDefaults = { smoothing: 0, xAxis: "step" };

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy mode): the defaults are just not remembered
  }
}

/** The slider's grid (steps of 0.01), clamped to [0, MAX_SMOOTHING]; anything else is 0. */
export function cleanSmoothing(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return 0;
  return Math.round(Math.min(MAX_SMOOTHING, Math.max(0, value)) * 100) / 100;
}

/** Reads what was stored, field by field: a value edited by hand or from an older build falls back. */
export function parseChartDefaults(text: string | null): ChartDefaults {
  if (!text) return { ...DEFAULT_CHART_DEFAULTS };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ...DEFAULT_CHART_DEFAULTS };
  }
  if (typeof value !== "object" || value === null) return { ...DEFAULT_CHART_DEFAULTS };
  const record = value as Record<string, unknown>;
  return {
    smoothing: cleanSmoothing(record.smoothing),
    xAxis: record.xAxis === "time" || record.xAxis === "epoch" ? record.xAxis : "step",
  };
}

export function loadChartDefaults(): ChartDefaults {
  return parseChartDefaults(storage()?.getItem(STORAGE_KEY) ?? null);
}

/** Stores a change (merged into what is stored) and returns the full defaults now in force. */
export function saveChartDefaults(change: Partial<ChartDefaults>): ChartDefaults {
  const next = parseChartDefaults(JSON.stringify({ ...loadChartDefaults(), ...change }));
  storage()?.setItem(STORAGE_KEY, JSON.stringify(next));
  return next;
}
