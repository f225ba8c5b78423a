// @vitest-environment node
import { describe, expect, it } from "vitest";
import { diffRows, scatterDefaults } from "./diff";
import { type RunValues, dimensions } from "./dims";

const runs: RunValues[] = [
  { config: { lr: 0.1, optimizer: "adam", batch: 32, seed: 1 }, summary: { best_metric_value: 0.9, final_loss: 0.2 } },
  { config: { lr: 0.01, optimizer: "adam", batch: 64, seed: 2 }, summary: { best_metric_value: 0.8, final_loss: 0.3 } },
  { config: { lr: 0.001, optimizer: "sgd", batch: 32 }, summary: { best_metric_value: 0.7, final_loss: 0.3 } },
];

describe("the config and summary diff", () => {
  it("shows only the keys whose values differ, config first, a missing value differing", () => {
    const rows = diffRows(dimensions(runs), true);
    expect(rows.map((r) => r.key)).toEqual([
      "config.batch", "config.lr", "config.optimizer", "config.seed", "summary.best_metric_value", "summary.final_loss",
    ]);
    expect(rows.find((r) => r.key === "config.seed")?.values).toEqual([1, 2, null]);
  });

  it("shows every key, marking which differ, with the filter off", () => {
    const same = [{ config: { a: 1, b: "x" }, summary: null }, { config: { a: 1, b: "y" }, summary: null }];
    expect(diffRows(dimensions(same), false).map((r) => [r.key, r.differs])).toEqual([["config.a", false], ["config.b", true]]);
    expect(diffRows(dimensions(same), true).map((r) => r.key)).toEqual(["config.b"]);
  });
});

describe("the scatter's first axes", () => {
  it("starts at the primary metric against the config key that varies most", () => {
    expect(scatterDefaults(dimensions(runs))).toEqual({ x: "config.lr", y: "summary.best_metric_value" });
  });

  it("falls back to any summary number, and to nothing without numbers", () => {
    const plain = [{ config: { lr: 1 }, summary: { acc: 0.5 } }, { config: { lr: 2 }, summary: { acc: 0.6 } }];
    expect(scatterDefaults(dimensions(plain))).toEqual({ x: "config.lr", y: "summary.acc" });
    expect(scatterDefaults([])).toEqual({ x: null, y: null });
  });
});
