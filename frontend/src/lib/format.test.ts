// @vitest-environment node
import { describe, expect, it } from "vitest";
import { formatDuration, formatNumber, formatValue } from "./format";

describe("format", () => {
  it("shows durations at a useful precision", () => {
    expect(formatDuration(4.25)).toBe("4.3s");
    expect(formatDuration(249)).toBe("4m 09s");
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe("3h 05m");
    expect(formatDuration(null)).toBe("—");
  });

  it("keeps integers whole and trims long fractions", () => {
    expect(formatNumber(25_280_000_000)).toBe("25280000000");
    expect(formatNumber(0.123456789)).toBe("0.12346");
    expect(formatNumber(1.5e-7)).toBe("1.500e-7");
  });

  it("shows config and summary values in full", () => {
    expect(formatValue(1796000000.123)).toBe("1796000000.123");
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
