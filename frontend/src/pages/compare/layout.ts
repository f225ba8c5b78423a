/** The compare page's saved layout (per project of the first run, per user in the team profile). */
import type { JsonObject, JsonValue } from "../../api/types";
import type { XMode } from "../../lib/series";

export interface CompareLayout {
  xAxis: XMode;
  /** null: the default from Settings. */
  smoothing: number | null;
  logY: boolean;
  /** Parallel-coordinate axes; null: the keys whose values differ. */
  dims: string[] | null;
  scatterX: string | null;
  scatterY: string | null;
}

export const DEFAULT_COMPARE: CompareLayout = { xAxis: "step", smoothing: null, logY: false, dims: null, scatterX: null, scatterY: null };

const text = (v: JsonValue | undefined) => (typeof v === "string" ? v : null);

export function readCompareLayout(value: JsonValue | null | undefined): CompareLayout {
  if (!value || typeof value !== "object" || Array.isArray(value)) return DEFAULT_COMPARE;
  const smoothing = typeof value.smoothing === "number" && value.smoothing >= 0 && value.smoothing < 1 ? value.smoothing : null;
  return {
    xAxis: value.xAxis === "time" ? "time" : "step",
    smoothing,
    logY: value.logY === true,
    dims: Array.isArray(value.dims) ? value.dims.filter((d): d is string => typeof d === "string") : null,
    scatterX: text(value.scatterX),
    scatterY: text(value.scatterY),
  };
}

export const compareJson = (layout: CompareLayout): JsonObject => ({ ...layout });
