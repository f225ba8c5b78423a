// @vitest-environment node
import { describe, expect, it } from "vitest";
import { align, ema, forLog, groupByPrefix, mergeRows, metricNames, pointsFromRows, xColumn, xy } from "./series";

describe("points", () => {
  it("keeps only the rows where the metric has a number", () => {
    const p = pointsFromRows(
      [
        { global_step: 1, time: 10, loss: 1 },
        { global_step: 2, time: 11, acc: 0.5 },
        { global_step: 3, time: 12, loss: null },
        { global_step: 4, time: 13, loss: 0.5, stage: "train" },
      ],
      "loss",
    );
    expect(p).toEqual({ step: [1, 4], time: [10, 13], epoch: [null, null], value: [1, 0.5] });
  });

  it("merges live rows by step: appends, replaces and inserts in order", () => {
    const p = pointsFromRows([{ global_step: 1, loss: 1 }, { global_step: 5, loss: 5 }], "loss");
    const changed = mergeRows(p, [{ global_step: 6, loss: 6 }, { global_step: 5, loss: 50 }, { global_step: 3, loss: 3 }, { global_step: 7 }], "loss");
    expect(changed).toBe(3);
    expect(p.step).toEqual([1, 3, 5, 6]);
    expect(p.value).toEqual([1, 3, 50, 6]);
  });

  it("measures time from the run's start and drops points without a time", () => {
    const p = { step: [1, 2, 3], time: [100, null, 103], epoch: [null, null, null], value: [1, 2, 3] };
    expect(xy(p, "time", 100)).toEqual({ x: [0, 3], y: [1, 3] });
    expect(xy(p, "step", 100)).toEqual({ x: [1, 2, 3], y: [1, 2, 3] });
  });

  it("draws by the logged epoch, keeps epoch as a chart, and asks for its column", () => {
    const p = pointsFromRows(
      [{ global_step: 1, loss: 3, epoch: 0 }, { global_step: 2, loss: 2 }, { global_step: 3, loss: 1, epoch: 1 }],
      "loss",
    );
    expect(xy(p, "epoch", 100)).toEqual({ x: [0, 1], y: [3, 1] });
    expect(metricNames(["loss", "epoch", "global_step", "time"], [])).toEqual(["loss", "epoch"]);
    expect([xColumn("step"), xColumn("time"), xColumn("epoch")]).toEqual([null, "time", "epoch"]);
  });
});

describe("ema", () => {
  it("is the raw data at weight 0 and starts at the first value (debiased)", () => {
    expect(ema([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const smooth = ema([10, 10, 10, null, 10], 0.9);
    expect(smooth[0]).toBeCloseTo(10);
    expect(smooth[2]).toBeCloseTo(10);
    expect(smooth[3]).toBeNull();
  });

  it("lags behind a jump", () => {
    const smooth = ema([0, 0, 0, 1], 0.5);
    expect(smooth[3]).toBeGreaterThan(0);
    expect(smooth[3]).toBeLessThan(1);
  });
});

describe("charts", () => {
  it("puts several runs on one sorted x column with gaps", () => {
    expect(align([{ x: [1, 3], y: [10, 30] }, { x: [2, 3], y: [20, 31] }])).toEqual({
      x: [1, 2, 3],
      ys: [
        [10, null, 30],
        [null, 20, 31],
      ],
    });
  });

  it("hides values a log axis cannot draw", () => {
    expect(forLog([1, 0, -2, null, 0.5])).toEqual([1, null, null, null, 0.5]);
  });

  it("groups metrics by prefix, ungrouped ones first", () => {
    expect(groupByPrefix(["val/acc", "loss", "train/loss", "train/acc"])).toEqual([
      { group: "", metrics: ["loss"] },
      { group: "train", metrics: ["train/acc", "train/loss"] },
      { group: "val", metrics: ["val/acc"] },
    ]);
  });

  it("tells metrics from bookkeeping and text columns", () => {
    expect(metricNames(["global_step", "time", "loss", "stage", "note"], [{ global_step: 1, loss: 1, note: "hi" }])).toEqual(["loss"]);
  });
});
