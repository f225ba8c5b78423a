// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, dayStart, isFiltered, readFilters, toQuery, writeFilters } from "./filters";

describe("filters in the URL", () => {
  it("round-trips every filter through the query string", () => {
    const filters = {
      ...DEFAULT_FILTERS,
      project: "vision",
      name: "resnet",
      status: ["finished", "failed"],
      tags: ["a", "b"],
      search: "cosine",
      q: 'summary.acc > 0.9 and tags contains "x"',
      createdFrom: "2025-01-01",
      createdTo: "2025-01-31",
      bestMin: "0.5",
      bestMax: "0.9",
      page: 3,
      perPage: 100,
      orderBy: "best_metric_value" as const,
      orderDesc: false,
    };
    const url = writeFilters(filters).toString();
    expect(readFilters(new URLSearchParams(url))).toEqual(filters);
  });

  it("keeps links short: defaults are not written", () => {
    expect(writeFilters(DEFAULT_FILTERS).toString()).toBe("");
    expect(isFiltered(DEFAULT_FILTERS)).toBe(false);
  });

  it("ignores values the API would refuse", () => {
    const f = readFilters(new URLSearchParams("status=finished,bogus&page=-2&order_by=drop&per_page=abc"));
    expect(f.status).toEqual(["finished"]);
    expect(f.page).toBe(1);
    expect(f.orderBy).toBe("created_at");
    expect(f.perPage).toBe(50);
  });

  it("sends whole local days as the created range", () => {
    const q = toQuery({ ...DEFAULT_FILTERS, createdFrom: "2025-01-01", createdTo: "2025-01-01" });
    const start = new Date(2025, 0, 1).getTime() / 1000;
    expect(q.created_after).toBe(start);
    expect(q.created_before).toBeCloseTo(start + 86400 - 0.001, 3);
    expect(dayStart("not a date")).toBeUndefined();
  });

  it("drops a best-metric bound that is not a number", () => {
    expect(toQuery({ ...DEFAULT_FILTERS, bestMin: "abc", bestMax: "0.5" })).toMatchObject({ best_metric_min: undefined, best_metric_max: 0.5 });
  });
});
