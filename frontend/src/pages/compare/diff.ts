/**
 * The compare page's config/summary diff and scatter defaults, from the dimensions of the runs
 * (dims.ts): pure functions the table and the tests share.
 */
import type { Dimension } from "./dims";

export interface DiffRow {
  key: string;
  values: (number | string | null)[];
  /** The runs do not all hold the same value (a missing value differs from any value). */
  differs: boolean;
}

const same = (a: number | string | null, b: number | string | null) => a === b;

export function diffRows(dims: readonly Dimension[], onlyDifferences: boolean): DiffRow[] {
  const rows = dims.map((d) => {
    const first = d.values[0] ?? null;
    return { key: d.key, values: d.values, differs: d.values.some((v) => !same(v ?? null, first)) };
  });
  const shown = onlyDifferences ? rows.filter((r) => r.differs) : rows;
  // Config before summary, each alphabetical: the order a reader scans for "what did I change".
  return shown.sort((a, b) => Number(a.key.startsWith("summary.")) - Number(b.key.startsWith("summary.")) || a.key.localeCompare(b.key));
}

const BEST = "summary.best_metric_value";

/**
 * Where the scatter starts: y the primary metric (the best value the SDK tracks, else the first
 * numeric summary entry), x the numeric config key with the most distinct values.
 */
export function scatterDefaults(dims: readonly Dimension[]): { x: string | null; y: string | null } {
  const numeric = dims.filter((d) => d.kind === "number");
  const distinct = (d: Dimension) => new Set(d.values.filter((v) => v !== null)).size;
  const configs = numeric.filter((d) => d.key.startsWith("config.")).sort((a, b) => distinct(b) - distinct(a));
  const summaries = numeric.filter((d) => d.key.startsWith("summary.") && d.key !== "summary.best_metric_step");
  const y = numeric.find((d) => d.key === BEST)?.key ?? summaries[0]?.key ?? numeric[1]?.key ?? numeric[0]?.key ?? null;
  const x = configs.find((d) => d.key !== y)?.key ?? numeric.find((d) => d.key !== y)?.key ?? y;
  return { x, y };
}
