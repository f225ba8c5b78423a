// @vitest-environment node
import { describe, expect, it } from "vitest";
import { formatTime } from "./format";
import { humanValue, roundedValue } from "./humanize";

describe("human values", () => {
  it("rounds summary numbers and leaves the rest as JSON", () => {
    expect(roundedValue(0.123456789)).toBe("0.12346");
    expect(roundedValue(42)).toBe("42");
    expect(roundedValue("adam")).toBe("adam");
    expect(roundedValue([1, 2])).toBe("[1,2]");
  });

  it("shows times and sizes of the environment in human units by their key", () => {
    expect(humanValue("system.boot_time", 1_735_689_600)).toBe(formatTime(1_735_689_600));
    expect(humanValue("captured_at", "2025-01-01T00:00:00+00:00")).toBe(formatTime(1_735_689_600));
    expect(humanValue("system.memory_total", 17_179_869_184)).toBe("16.0 GB");
    expect(humanValue("disk.free_bytes", 2048)).toBe("2.0 KB");
    // Not a time or a size: a count, a version, a small number.
    expect(humanValue("cpu_count", 16)).toBe("16");
    expect(humanValue("python.version", "3.11.7")).toBe("3.11.7");
    expect(humanValue("memory_fraction", 0.123456)).toBe("0.12346");
  });
});
