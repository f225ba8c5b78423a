/**
 * The run page's charts as the user arranged them: which metrics share a chart, which charts are
 * hidden or pinned, their order. Pure functions over a small JSON layout, which is what the
 * workspaces API keeps per project (and what a shared link carries).
 */
import type { JsonObject, JsonValue } from "../../api/types";

/** Prefixes that name a stage of training: `train/loss` and `val/loss` share the chart "loss". */
export const STAGES = new Set(["train", "training", "val", "valid", "validation", "eval", "test"]);
const SYSTEM = "system/";

export interface RunLayout {
  /** Chart ids in the user's order (charts not listed follow in the default order). */
  order: string[];
  hidden: string[];
  pinned: string[];
  /** Metrics that differ only by their stage prefix share a chart. */
  groupStages: boolean;
  smoothing: number | null;
  xAxis: "step" | "time" | "epoch" | null;
}

export const DEFAULT_LAYOUT: RunLayout = { order: [], hidden: [], pinned: [], groupStages: true, smoothing: null, xAxis: null };

export interface ChartPlan {
  id: string;
  metrics: string[];
  /** system/* charts: plotted against time. */
  system: boolean;
  pinned: boolean;
}

/** The chart a metric belongs to: its name without a stage prefix when stages are grouped. */
export function chartIdOf(metric: string, groupStages: boolean): string {
  const slash = metric.indexOf("/");
  if (groupStages && slash > 0 && STAGES.has(metric.slice(0, slash).toLowerCase()) && !metric.startsWith(SYSTEM)) {
    return metric.slice(slash + 1);
  }
  return metric;
}

/** Where a chart goes by default: user metrics by prefix (no prefix first), system/* last. */
function defaultKey(id: string): [number, string, string] {
  if (id.startsWith(SYSTEM)) return [2, "", id];
  const slash = id.indexOf("/");
  return slash > 0 ? [1, id.slice(0, slash), id] : [0, "", id];
}

function compareKeys(a: [number, string, string], b: [number, string, string]): number {
  return a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]);
}

/** Every chart of `metrics`, pinned first, then the user's order, then the default order. */
export function planCharts(metrics: readonly string[], layout: RunLayout): ChartPlan[] {
  const byId = new Map<string, string[]>();
  for (const metric of metrics) {
    const id = chartIdOf(metric, layout.groupStages);
    const list = byId.get(id) ?? [];
    list.push(metric);
    byId.set(id, list);
  }
  const rank = new Map(layout.order.map((id, i) => [id, i]));
  const pinned = new Set(layout.pinned);
  const ids = [...byId.keys()].sort((a, b) => {
    const pa = pinned.has(a) ? 0 : 1;
    const pb = pinned.has(b) ? 0 : 1;
    if (pa !== pb) return pa - pb;
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return compareKeys(defaultKey(a), defaultKey(b));
  });
  return ids.map((id) => ({
    id,
    metrics: (byId.get(id) ?? []).sort((a, b) => a.localeCompare(b)),
    system: id.startsWith(SYSTEM),
    pinned: pinned.has(id),
  }));
}

export function visibleCharts(plans: readonly ChartPlan[], layout: RunLayout): ChartPlan[] {
  const hidden = new Set(layout.hidden);
  return plans.filter((p) => !hidden.has(p.id));
}

/** `layout` with chart `id` moved one place up or down among `ids` (the order shown now). */
export function moveChart(layout: RunLayout, ids: readonly string[], id: string, delta: -1 | 1): RunLayout {
  const order = [...ids];
  const from = order.indexOf(id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= order.length) return layout;
  order.splice(from, 1);
  order.splice(to, 0, id);
  return { ...layout, order };
}

export function toggleIn(list: readonly string[], id: string): string[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

const strings = (value: JsonValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** A layout from stored JSON (the API, a link): unknown or malformed fields fall back to defaults. */
export function readLayout(value: JsonValue | null | undefined): RunLayout {
  if (!value || typeof value !== "object" || Array.isArray(value)) return DEFAULT_LAYOUT;
  const smoothing = typeof value.smoothing === "number" && value.smoothing >= 0 && value.smoothing < 1 ? value.smoothing : null;
  return {
    order: strings(value.order),
    hidden: strings(value.hidden),
    pinned: strings(value.pinned),
    groupStages: typeof value.groupStages === "boolean" ? value.groupStages : true,
    smoothing,
    xAxis: value.xAxis === "step" || value.xAxis === "time" || value.xAxis === "epoch" ? value.xAxis : null,
  };
}

export function layoutJson(layout: RunLayout): JsonObject {
  return { ...layout };
}

/** A layout in a link: base64url of its JSON. */
export function encodeLayout(layout: RunLayout): string {
  const bytes = new TextEncoder().encode(JSON.stringify(layout));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeLayout(text: string): RunLayout | null {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return readLayout(JSON.parse(new TextDecoder().decode(bytes)) as JsonValue);
  } catch {
    return null;
  }
}
