// @vitest-environment node
import { describe, expect, it } from "vitest";
import { defaultDimensions, dimensions, extent, scaler, type RunValues } from "./dims";

const runs: RunValues[] = [
  { config: { lr: 0.1, opt: "adam", model: { depth: 50 } }, summary: { acc: 0.9, same: 1 } },
  { config: { lr: 0.01, opt: "sgd", model: { depth: 101 } }, summary: { acc: 0.8, same: 1 } },
  { config: { lr: 0.001, flag: true }, summary: null },
];

describe("dimensions", () => {
  it("flattens config and summary into one value per run", () => {
    const dims = dimensions(runs);
    const byKey = Object.fromEntries(dims.map((d) => [d.key, d]));
    expect(byKey["config.lr"]).toEqual({ key: "config.lr", kind: "number", values: [0.1, 0.01, 0.001] });
    expect(byKey["config.model.depth"]?.values).toEqual([50, 101, null]);
    expect(byKey["config.opt"]).toMatchObject({ kind: "category", values: ["adam", "sgd", null] });
    expect(byKey["config.flag"]).toMatchObject({ kind: "category", values: [null, null, "true"] });
  });

  it("shows the dimensions that differ between runs first, numbers before categories", () => {
    const keys = defaultDimensions(dimensions(runs));
    expect(keys).not.toContain("summary.same");
    expect(keys.indexOf("config.lr")).toBeLessThan(keys.indexOf("config.opt"));
  });

  it("scales numbers by value and categories evenly", () => {
    const [lr, opt] = dimensions(runs);
    const s = scaler(lr!);
    expect(s(0.1)).toBe(1);
    expect(s(0.001)).toBe(0);
    expect(scaler(opt!)("sgd")).toBe(1);
    expect(extent([3, 3])).toEqual([2, 4]);
  });
});
