import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_CHART_DEFAULTS,
  STORAGE_KEY,
  cleanSmoothing,
  loadChartDefaults,
  parseChartDefaults,
  saveChartDefaults,
} from "./chartDefaults";

afterEach(() => localStorage.clear());

describe("chart defaults", () => {
  it("start with smoothing off and steps on the x axis", () => {
    expect(loadChartDefaults()).toEqual({ smoothing: 0, xAxis: "step" });
  });

  it("are remembered across loads", () => {
    saveChartDefaults({ smoothing: 0.6 });
    saveChartDefaults({ xAxis: "time" });
    expect(loadChartDefaults()).toEqual({ smoothing: 0.6, xAxis: "time" });
    expect(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "")).toEqual({ smoothing: 0.6, xAxis: "time" });
  });

  it("keep smoothing on the slider's grid and range", () => {
    expect(cleanSmoothing(0.456)).toBe(0.46);
    expect(cleanSmoothing(1.5)).toBe(0.99);
    expect(cleanSmoothing(-1)).toBe(0);
    expect(cleanSmoothing(Number.NaN)).toBe(0);
    expect(cleanSmoothing("0.5")).toBe(0);
  });

  it("fall back field by field on a damaged entry", () => {
    expect(parseChartDefaults("{not json")).toEqual(DEFAULT_CHART_DEFAULTS);
    expect(parseChartDefaults("null")).toEqual(DEFAULT_CHART_DEFAULTS);
    expect(parseChartDefaults('{"smoothing": 0.3, "xAxis": "wall"}')).toEqual({ smoothing: 0.3, xAxis: "step" });
    expect(parseChartDefaults('{"smoothing": "high", "xAxis": "time"}')).toEqual({ smoothing: 0, xAxis: "time" });
  });

  it("return a fresh object each time (a page's state never aliases the defaults)", () => {
    const first = loadChartDefaults();
    first.smoothing = 0.9;
    expect(loadChartDefaults().smoothing).toBe(0);
  });
});
