import { describe, expect, it } from "vitest";
import { parseTelemetryFrame, type GpuReading, type TelemetryFrame } from "../../api/system";
import { historyGpus, initialTelemetry, memoryText, quantityColumns, reduceTelemetry, share, type TelemetryState } from "./telemetry";

// Frames as apps/system/gpu.py builds them (see tests/system/test_gpu_telemetry.py): an H100 and
// a 4090 with the reference's keys, sensors the card lacks as null.
function h100(overrides: Partial<GpuReading> = {}): GpuReading {
  return {
    index: 0, name: "NVIDIA H100 80GB HBM3", util_gpu: 87.0, util_mem: 41.0, mem_total_mib: 81920.0, mem_used_mib: 20480.0,
    mem_used_pct: 25.0, temp_c: 64.0, power_w: 312.5, power_limit_w: 700.0, clock_sm_mhz: 1980.0, clock_mem_mhz: 2619.0,
    pstate: "P0", fan_speed_pct: null,
    processes: [{ pid: 4242, used_memory_mib: 3072.0, types: ["compute", "graphics"], run_id: "20250114_153045_a1b2c3" }],
    ...overrides,
  };
}

function rtx4090(overrides: Partial<GpuReading> = {}): GpuReading {
  return {
    index: 1, name: "NVIDIA GeForce RTX 4090", util_gpu: 5.0, util_mem: 1.0, mem_total_mib: 24576.0, mem_used_mib: 6144.0,
    mem_used_pct: 25.0, temp_c: 41.0, power_w: 45.25, power_limit_w: 450.0, clock_sm_mhz: 210.0, clock_mem_mhz: 405.0,
    pstate: "P2", fan_speed_pct: 35.0, processes: [{ pid: 4999999, used_memory_mib: null, types: ["compute"], run_id: null }],
    ...overrides,
  };
}

/** The text the WebSocket carries, read back the way the page reads it. */
function wire(frame: object): TelemetryFrame {
  const parsed = parseTelemetryFrame(JSON.parse(JSON.stringify(frame)));
  if (parsed === null) throw new Error("frame not understood");
  return parsed;
}

function feed(frames: object[], keep?: number): TelemetryState {
  return frames.reduce<TelemetryState>((state, frame) => reduceTelemetry(state, wire(frame), keep), initialTelemetry);
}

describe("parseTelemetryFrame", () => {
  it("reads the no-GPU answer with its reason", () => {
    expect(wire({ available: false, reason: "NVML: NVML Shared Library Not Found" })).toEqual({
      available: false,
      reason: "NVML: NVML Shared Library Not Found",
    });
  });

  it("refuses what is not a telemetry frame", () => {
    expect(parseTelemetryFrame({ available: true, gpus: [] })).toBeNull(); // no ts
    expect(parseTelemetryFrame("hello")).toBeNull();
    expect(parseTelemetryFrame([1, 2])).toBeNull();
  });

  it("drops a GPU entry that is not an object with an index", () => {
    const frame = parseTelemetryFrame({ available: true, ts: 1, gpus: [h100(), { name: "x" }, null] });
    expect(frame?.available && frame.gpus.map((g) => g.index)).toEqual([0]);
  });
});

describe("reduceTelemetry", () => {
  it("keeps the latest reading of each GPU, ordered by index", () => {
    const state = feed([{ available: true, ts: 1000.5, gpus: [rtx4090(), h100()] }]);
    expect(state.status).toBe("available");
    expect(state.gpus.map((g) => g.name)).toEqual(["NVIDIA H100 80GB HBM3", "NVIDIA GeForce RTX 4090"]);
    expect(state.gpus[0]?.processes[0]?.run_id).toBe("20250114_153045_a1b2c3");
  });

  it("turns samples into one column per GPU, x in seconds since the first sample", () => {
    const state = feed([
      { available: true, ts: 1000.5, gpus: [h100(), rtx4090()] },
      { available: true, ts: 1001.5, gpus: [h100({ util_gpu: 90, power_w: 320.25 }), rtx4090({ util_gpu: 7 })] },
      { available: true, ts: 1002.5, gpus: [h100({ util_gpu: 12, temp_c: 70 }), rtx4090({ temp_c: null })] },
    ]);
    expect(quantityColumns(state, "util")).toEqual([[0, 1, 2], [87, 90, 12], [5, 7, 5]]);
    expect(quantityColumns(state, "power")).toEqual([[0, 1, 2], [312.5, 320.25, 312.5], [45.25, 45.25, 45.25]]);
    expect(quantityColumns(state, "temp")[2]).toEqual([41, 41, null]); // a sensor that went N/A is a gap
    expect(quantityColumns(state, "mem")[1]).toEqual([25, 25, 25]);
  });

  it("leaves a gap for a GPU NVML cannot read in a sample, and keeps its error on the card", () => {
    const lost = { index: 1, name: null, error: "NVML: GPU is lost", processes: [] };
    const state = feed([
      { available: true, ts: 10, gpus: [h100(), rtx4090()] },
      { available: true, ts: 11, gpus: [h100(), lost] },
    ]);
    expect(quantityColumns(state, "util")).toEqual([[0, 1], [87, 87], [5, null]]);
    expect(state.gpus[1]?.error).toBe("NVML: GPU is lost");
  });

  it("keeps a bounded history", () => {
    const frames = Array.from({ length: 12 }, (_, i) => ({ available: true, ts: 100 + i, gpus: [h100({ util_gpu: i })] }));
    const state = feed(frames, 5);
    expect(state.history).toHaveLength(5);
    const [x, util] = quantityColumns(state, "util");
    expect(util).toEqual([7, 8, 9, 10, 11]);
    expect(x).toEqual([7, 8, 9, 10, 11]); // still counted from the first sample seen
  });

  it("ignores the sample a reconnect is greeted with", () => {
    const first = feed([{ available: true, ts: 5, gpus: [h100()] }]);
    const again = reduceTelemetry(first, wire({ available: true, ts: 5, gpus: [h100()] }));
    expect(again).toBe(first);
  });

  it("starts over when the server's clock goes back", () => {
    const state = feed([
      { available: true, ts: 500, gpus: [h100()] },
      { available: true, ts: 501, gpus: [h100()] },
      { available: true, ts: 20, gpus: [h100({ util_gpu: 3 })] },
    ]);
    expect(quantityColumns(state, "util")).toEqual([[0], [3]]);
  });

  it("says why when there is no GPU, and keeps the charts through a driver hiccup", () => {
    const none = feed([{ available: false, reason: "NVML: NVML Shared Library Not Found" }]);
    expect(none.status).toBe("unavailable");
    expect(none.reason).toBe("NVML: NVML Shared Library Not Found");
    expect(historyGpus(none)).toEqual([]);

    const hiccup = feed([
      { available: true, ts: 1, gpus: [h100()] },
      { available: false, reason: "NVML: Driver Not Loaded" },
    ]);
    expect(hiccup.status).toBe("unavailable");
    expect(hiccup.history).toHaveLength(1);
    const back = reduceTelemetry(hiccup, wire({ available: true, ts: 3, gpus: [h100()] }));
    expect(back.status).toBe("available");
    expect(back.reason).toBeNull();
    expect(quantityColumns(back, "util")[0]).toEqual([0, 2]);
  });
});

describe("card helpers", () => {
  it("write memory in GiB from 1 GiB up, else MiB", () => {
    expect(memoryText(20480, 81920)).toBe("20.0 / 80.0 GiB");
    expect(memoryText(300, 512)).toBe("300 / 512 MiB");
    expect(memoryText(null, null)).toBeNull();
  });

  it("give bar shares within 0..100", () => {
    expect(share(312.5, 700)).toBeCloseTo(44.64, 2);
    expect(share(87)).toBe(87);
    expect(share(120)).toBe(100);
    expect(share(null)).toBeNull();
    expect(share(5, 0)).toBeNull();
  });
});
