// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { Experiment } from "../../api/types";
import { cleanWidths, groupRuns, isSortable, moveColumn, parseColumn, readColumns, readGroupBy, sizeKey, stats } from "./columns";
import { pickerOptions } from "./ColumnPicker";
import { DEFAULT_FILTERS, readFilters, toQuery, writeFilters } from "./filters";

function run(id: string, patch: Partial<Experiment>): Experiment {
  return {
    id, project: "p", name: "n", status: "finished", exit_reason: null, created_at: 1, updated_at: 1, started_at: 1,
    ended_at: 2, duration: 1, pid: null, hostname: null, best_metric_value: null, best_metric_name: null,
    best_metric_step: null, best_metric_mode: null, tags: [], description: null, deleted: false,
    artifacts_created_count: 0, artifacts_used_count: 0, run_dir: "", ...patch,
  };
}

describe("custom column names", () => {
  it("parses summary, config and metric columns with dotted keys", () => {
    expect(parseColumn("config.optim.lr")).toEqual({ root: "config", key: "optim.lr" });
    expect(parseColumn("metric.train/loss")).toEqual({ root: "metric", key: "train/loss" });
    expect(parseColumn("summary.")).toBeNull();
    expect(parseColumn("accuracy")).toBeNull();
    expect(parseColumn("env.x")).toBeNull();
  });

  it("reads the cols parameter: valid names, once each, in order", () => {
    expect(readColumns("config.lr, bogus,summary.acc,config.lr")).toEqual(["config.lr", "summary.acc"]);
    expect(readColumns(null)).toEqual([]);
  });

  it("sorts summary and config columns on the server, not metrics", () => {
    expect(isSortable("summary.acc")).toBe(true);
    expect(isSortable("metric.loss")).toBe(false);
  });

  it("moves a dragged column to the place of the one it is dropped on", () => {
    expect(moveColumn(["a.x", "b.y", "c.z"], "c.z", "a.x")).toEqual(["c.z", "a.x", "b.y"]);
    expect(moveColumn(["a.x", "b.y", "c.z"], "a.x", "c.z")).toEqual(["b.y", "c.z", "a.x"]);
    expect(moveColumn(["a.x"], "nope", "a.x")).toEqual(["a.x"]);
  });

  it("round-trips columns, a custom sort and the grouping through the URL", () => {
    const filters = { ...DEFAULT_FILTERS, columns: ["summary.acc", "config.lr"], orderBy: "summary.acc" as const,
      groupBy: "config.lr" as const };
    const params = writeFilters(filters);
    expect(params.get("cols")).toBe("summary.acc,config.lr");
    expect(readFilters(params)).toEqual(filters);
    expect(toQuery(filters).columns).toEqual(["summary.acc", "config.lr"]);
    // A metric is not a sort key: the URL falls back to the default order.
    expect(readFilters(new URLSearchParams("order_by=metric.loss")).orderBy).toBe("created_at");
    expect(readGroupBy("summary.acc")).toBe("");
  });

  it("offers the keys matching a search and the typed metric", () => {
    const keys = { summary: ["accuracy", "val/loss"], config: ["lr", "optimizer.name"] };
    expect(pickerOptions(keys, "")).toEqual(["summary.accuracy", "summary.val/loss", "config.lr", "config.optimizer.name"]);
    expect(pickerOptions(keys, "LOSS")).toEqual(["summary.val/loss", "metric.LOSS"]);
    expect(pickerOptions(keys, "metric.train/loss")).toEqual(["metric.train/loss"]);
  });
});

describe("grouping a page of runs", () => {
  const rows = [
    run("a", { project: "vision", tags: ["base", "Mixed Case"], columns: { "summary.acc": 0.5, "config.opt": "adam" } }),
    run("b", { project: "nlp", tags: [], columns: { "summary.acc": 0.9, "config.opt": "sgd" } }),
    run("c", { project: "vision", tags: ["base"], columns: { "summary.acc": "n/a", "config.opt": "adam" } }),
    run("d", { project: "vision", tags: ["Mixed Case"], columns: { "summary.acc": 0.7, "config.opt": null } }),
  ];

  it("groups by project in order of first appearance with count and stats of numbers only", () => {
    const groups = groupRuns(rows, "project", ["summary.acc"]);
    expect(groups.map((g) => [g.value, g.runs.map((r) => r.id)])).toEqual([["vision", ["a", "c", "d"]], ["nlp", ["b"]]]);
    expect(groups[0]?.stats["summary.acc"]).toEqual({ mean: 0.6, min: 0.5, max: 0.7, n: 2 });
  });

  it("puts a run in each of its tags' groups, runs without tags last", () => {
    const groups = groupRuns(rows, "tag", []);
    expect(groups.map((g) => [g.value, g.runs.map((r) => r.id)])).toEqual([
      ["base", ["a", "c"]], ["Mixed Case", ["a", "d"]], [null, ["b"]],
    ]);
  });

  it("groups by a config column, runs without the key last", () => {
    const groups = groupRuns(rows, "config.opt", ["summary.acc"]);
    expect(groups.map((g) => [g.value, g.runs.length])).toEqual([["adam", 2], ["sgd", 1], [null, 1]]);
    expect(groups[1]?.stats["summary.acc"]).toEqual({ mean: 0.9, min: 0.9, max: 0.9, n: 1 });
  });

  it("has no stats for a column without numbers", () => {
    expect(stats(["x", null, undefined, true])).toBeNull();
  });
});

describe("column widths", () => {
  it("keys widths by window size in steps of 160 pixels", () => {
    expect(sizeKey(1440, 900)).toBe("1440x960");
    expect(sizeKey(1430, 890)).toBe("1440x960");
  });

  it("keeps only finite widths, clamped", () => {
    expect(cleanWidths({ a: 10, b: 300, c: "x", d: Infinity, e: 5000 })).toEqual({ a: 60, b: 300, e: 800 });
    expect(cleanWidths(null)).toEqual({});
    expect(cleanWidths([1])).toEqual({});
  });
});
