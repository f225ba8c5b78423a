// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { HostSample } from "../../api/system";
import { addHostSample, emptyHostHistory, loadPerCore } from "./host";

const sample = (ts: number, cpu: number, mem: number): HostSample => ({
  available: true, ts,
  cpu: { percent: cpu, count: 2, logical_count: 4, per_core: [cpu, cpu, cpu, cpu], load_avg: [2, 1, 0.5] },
  memory: { total: 8, available: 4, used: 4, percent: mem, swap_total: 0, swap_used: 0, swap_percent: 0 },
  disk: { path: "/", total: 10, used: 5, free: 5, percent: 50 },
});

describe("the host history", () => {
  it("appends new samples, ignores a repeated one and keeps the last `limit`", () => {
    let h = emptyHostHistory();
    for (const [ts, cpu] of [[1, 10], [2, 20], [2, 99], [3, 30]] as const) h = addHostSample(h, sample(ts, cpu, cpu / 2), 2);
    expect(h).toEqual({ t: [2, 3], cpu: [20, 30], memory: [10, 15] });
  });

  it("gives the load per logical core", () => {
    expect(loadPerCore(sample(1, 0, 0))).toEqual([0.5, 0.25, 0.125]);
    expect(loadPerCore({ ...sample(1, 0, 0), cpu: { ...sample(1, 0, 0).cpu, load_avg: null } })).toBeNull();
  });
});
