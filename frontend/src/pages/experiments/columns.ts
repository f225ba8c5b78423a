/**
 * Custom columns of the experiments table (`summary.<key>`, `config.<key>`, `metric.<name>`), the
 * grouping of a page of runs, and the column widths the reference keeps per table and window size.
 * Pure functions: the page keeps the state in the URL, these read and write it.
 */
import type { Experiment, JsonValue } from "../../api/types";

export type ColumnRoot = "summary" | "config" | "metric";
export const ROOTS: readonly ColumnRoot[] = ["summary", "config", "metric"];
export const MAX_COLUMNS = 50;

/** `config.optim.lr` -> root "config", key "optim.lr"; null for anything else. */
export function parseColumn(name: string): { root: ColumnRoot; key: string } | null {
  const dot = name.indexOf(".");
  if (dot < 1) return null;
  const root = name.slice(0, dot) as ColumnRoot;
  const key = name.slice(dot + 1);
  return ROOTS.includes(root) && key ? { root, key } : null;
}

/** Summary and config columns sort on the server (the facet index); a metric's last value does not. */
export const isSortable = (name: string) => parseColumn(name)?.root !== "metric";

/** The `cols` URL parameter: valid, unique names in the user's order. */
export function readColumns(raw: string | null): string[] {
  const names = (raw ?? "").split(",").map((s) => s.trim());
  return [...new Set(names.filter((n) => parseColumn(n) !== null))].slice(0, MAX_COLUMNS);
}

/** `columns` with `name` moved to the place of `target` (drag and drop of a header). */
export function moveColumn(columns: readonly string[], name: string, target: string): string[] {
  const from = columns.indexOf(name);
  const to = columns.indexOf(target);
  if (from < 0 || to < 0 || from === to) return [...columns];
  const next = [...columns];
  next.splice(from, 1);
  next.splice(to, 0, name);
  return next;
}

export function cellValue(run: Experiment, column: string): JsonValue | undefined {
  return run.columns?.[column];
}

// ------------------------------------------------------------------ grouping

/** `project`, `name`, `tag` or a custom `config.<key>` column. */
export type GroupBy = "" | "project" | "name" | "tag" | `config.${string}`;

export function readGroupBy(raw: string | null): GroupBy {
  if (raw === "project" || raw === "name" || raw === "tag") return raw;
  if (raw && parseColumn(raw)?.root === "config") return raw as GroupBy;
  return "";
}

export interface Stats {
  mean: number;
  min: number;
  max: number;
  /** Runs that have a number in this column. */
  n: number;
}

export interface RunGroup {
  /** Stable key for folding: the value as text. */
  key: string;
  /** The value the runs share; null when they have none (no tag, no such config key). */
  value: string | null;
  runs: Experiment[];
  stats: Record<string, Stats | null>;
}

const text = (value: JsonValue | undefined): string | null =>
  value === undefined || value === null ? null : typeof value === "string" ? value : JSON.stringify(value);

function groupValues(run: Experiment, by: GroupBy): (string | null)[] {
  if (by === "project") return [run.project];
  if (by === "name") return [run.name];
  if (by === "tag") return run.tags.length ? run.tags : [null];
  return [text(cellValue(run, by))];
}

export function stats(values: readonly (JsonValue | undefined)[]): Stats | null {
  const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (!numbers.length) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of numbers) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { mean: sum / numbers.length, min, max, n: numbers.length };
}

/**
 * The runs of `rows` by the value of `by`, in order of first appearance (so the server's sort
 * decides the order of groups too), runs without a value last; a run with several tags is in each
 * of their groups. `statColumns` get count-weighted mean, min and max per group.
 */
export function groupRuns(rows: readonly Experiment[], by: GroupBy, statColumns: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  let none: RunGroup | null = null;
  for (const run of rows) {
    for (const value of groupValues(run, by)) {
      const key = value === null ? "\u0000none" : `=${value}`;
      let group: RunGroup | null | undefined = value === null ? none : groups.get(key);
      if (!group) {
        group = { key, value, runs: [], stats: {} };
        if (value === null) none = group;
        else groups.set(key, group);
      }
      group.runs.push(run);
    }
  }
  const ordered = [...groups.values(), ...(none ? [none] : [])];
  for (const group of ordered) {
    for (const column of statColumns) group.stats[column] = stats(group.runs.map((r) => cellValue(r, column)));
  }
  return ordered;
}

// ------------------------------------------------------------------ widths

export const MIN_WIDTH = 60;
export const MAX_WIDTH = 800;

/** The reference keys widths by window size in steps, so a resize by a few pixels keeps them. */
export function sizeKey(width: number, height: number): string {
  const step = (n: number) => Math.max(1, Math.round(n / 160)) * 160;
  return `${step(width)}x${step(height)}`;
}

export function clampWidth(width: number): number {
  return Math.round(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, width)));
}

/** Only finite widths of known columns survive a round trip through the server. */
export function cleanWidths(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === "number" && Number.isFinite(value)) out[key] = clampWidth(value);
  }
  return out;
}
