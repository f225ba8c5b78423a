// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DEFAULT_COMPARE, compareJson, readCompareLayout } from "./layout";

describe("the compare layout", () => {
  it("round-trips and ignores malformed fields", () => {
    const layout = { xAxis: "time" as const, smoothing: 0.5, logY: true, dims: ["config.lr"], scatterX: "config.lr", scatterY: null };
    expect(readCompareLayout(compareJson(layout))).toEqual(layout);
    expect(readCompareLayout({ xAxis: "epoch", smoothing: 3, logY: "yes", dims: "x", scatterX: 1 })).toEqual(DEFAULT_COMPARE);
    expect(readCompareLayout(null)).toEqual(DEFAULT_COMPARE);
  });
});
