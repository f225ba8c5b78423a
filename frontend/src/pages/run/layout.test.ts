// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT, chartIdOf, decodeLayout, encodeLayout, moveChart, planCharts, readLayout, visibleCharts } from "./layout";

const METRICS = ["val/loss", "train/loss", "train/acc", "val/acc", "lr", "system/cpu", "system/gpu0/util", "grad/norm", "test/acc"];

describe("the run page's charts", () => {
  it("puts metrics that differ only by stage in one chart", () => {
    expect(chartIdOf("train/loss", true)).toBe("loss");
    expect(chartIdOf("Val/loss", true)).toBe("loss");
    expect(chartIdOf("train/loss", false)).toBe("train/loss");
    expect(chartIdOf("grad/norm", true)).toBe("grad/norm");
    expect(chartIdOf("system/cpu", true)).toBe("system/cpu");
  });

  it("orders by default: plain names, then by prefix, system/* last", () => {
    const plans = planCharts(METRICS, DEFAULT_LAYOUT);
    expect(plans.map((p) => [p.id, p.metrics])).toEqual([
      ["acc", ["test/acc", "train/acc", "val/acc"]],
      ["loss", ["train/loss", "val/loss"]],
      ["lr", ["lr"]],
      ["grad/norm", ["grad/norm"]],
      ["system/cpu", ["system/cpu"]],
      ["system/gpu0/util", ["system/gpu0/util"]],
    ]);
    expect(plans.filter((p) => p.system).map((p) => p.id)).toEqual(["system/cpu", "system/gpu0/util"]);
  });

  it("gives one chart per metric with the toggle off", () => {
    const ids = planCharts(METRICS, { ...DEFAULT_LAYOUT, groupStages: false }).map((p) => p.id);
    expect(ids).toEqual(["lr", "grad/norm", "test/acc", "train/acc", "train/loss", "val/acc", "val/loss", "system/cpu", "system/gpu0/util"]);
  });

  it("puts pinned charts first, then the user's order, and hides hidden ones", () => {
    const layout = { ...DEFAULT_LAYOUT, pinned: ["system/cpu"], order: ["lr", "loss"], hidden: ["grad/norm"] };
    const plans = visibleCharts(planCharts(METRICS, layout), layout);
    expect(plans.map((p) => p.id)).toEqual(["system/cpu", "lr", "loss", "acc", "system/gpu0/util"]);
    expect(plans[0]?.pinned).toBe(true);
  });

  it("moves a chart one place and stops at the ends", () => {
    const ids = ["a", "b", "c"];
    expect(moveChart(DEFAULT_LAYOUT, ids, "c", -1).order).toEqual(["a", "c", "b"]);
    expect(moveChart(DEFAULT_LAYOUT, ids, "a", -1)).toBe(DEFAULT_LAYOUT);
  });

  it("reads stored layouts defensively and round-trips them through a link", () => {
    expect(readLayout({ order: ["a", 3], hidden: "x", groupStages: "no", smoothing: 2, xAxis: "wall" })).toEqual({
      ...DEFAULT_LAYOUT, order: ["a"],
    });
    // A run that logs `epoch` can be drawn by it, and a saved layout keeps that axis.
    expect(readLayout({ xAxis: "epoch" })).toEqual({ ...DEFAULT_LAYOUT, xAxis: "epoch" });
    expect(readLayout(null)).toEqual(DEFAULT_LAYOUT);
    const layout = { ...DEFAULT_LAYOUT, order: ["损失", "val/acc"], pinned: ["lr"], smoothing: 0.6, xAxis: "time" as const };
    expect(decodeLayout(encodeLayout(layout))).toEqual(layout);
    expect(decodeLayout("%%%")).toBeNull();
  });
});
