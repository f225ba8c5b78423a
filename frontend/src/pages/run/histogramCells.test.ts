import { describe, expect, it } from "vitest";
import { heatCells } from "./histogramCells";

const entry = (step: number, edges: number[], counts: number[]) => ({
  step, ts: null, min: edges[0] ?? null, max: edges[edges.length - 1] ?? null,
  count: counts.reduce((a, b) => a + b, 0), sum: null, edges, counts,
});

describe("heatCells", () => {
  it("puts one column per step on a common value axis", () => {
    const model = heatCells([entry(1, [0, 1, 2], [2, 1]), entry(2, [1, 3, 4], [0, 4])], 100, 40);
    expect(model.low).toBe(0);
    expect(model.high).toBe(4);
    expect(model.cells.map((c) => [c.step, c.x, c.width, c.y, c.height, c.opacity])).toEqual([
      [1, 0, 50, 30, 10, 1],
      [1, 0, 50, 20, 10, 0.5],
      [2, 50, 50, 0, 10, 1],
    ]);
  });

  it("skips empty or malformed entries and survives a single value", () => {
    expect(heatCells([entry(1, [], [])], 10, 10).cells).toEqual([]);
    const single = heatCells([entry(3, [5, 5], [7])], 10, 10);
    expect(single.low).toBe(5);
    expect(single.high).toBe(6);
    expect(single.cells[0]?.count).toBe(7);
  });
});
