/**
 * GPU telemetry frames → what the monitor page draws: the latest reading of each GPU (its card)
 * and a rolling history as uPlot columns (one chart per quantity, one line per GPU).
 * Pure functions: the page and the tests run the same code.
 */
import type uPlot from "uplot";
import type { GpuReading, TelemetryFrame } from "../../api/system";

/** Samples kept per chart: five minutes at the server's one sample a second. */
export const HISTORY_LENGTH = 300;

export const QUANTITIES = ["util", "mem", "temp", "power"] as const;
export type Quantity = (typeof QUANTITIES)[number];

type Values = Record<Quantity, number | null>;

interface Sample {
  ts: number;
  /** By GPU index; a GPU missing from a sample (or unreadable in it) has no entry. */
  gpus: Map<number, Values>;
}

export interface TelemetryState {
  /** `waiting` until the first frame arrives. */
  status: "waiting" | "available" | "unavailable";
  /** Why there is no telemetry, in the server's words (NVML's error, a missing library ...). */
  reason: string | null;
  /** The GPUs of the newest sample, by index. */
  gpus: GpuReading[];
  /** Time of the newest sample (Unix seconds). */
  ts: number | null;
  /** Time of the first sample seen: chart x values count seconds from here. */
  t0: number | null;
  history: Sample[];
}

export const initialTelemetry: TelemetryState = { status: "waiting", reason: null, gpus: [], ts: null, t0: null, history: [] };

function finite(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function values(gpu: GpuReading): Values {
  return {
    util: finite(gpu.util_gpu),
    mem: finite(gpu.mem_used_pct),
    temp: finite(gpu.temp_c),
    power: finite(gpu.power_w),
  };
}

/** The state after one frame. */
export function reduceTelemetry(state: TelemetryState, frame: TelemetryFrame, keep = HISTORY_LENGTH): TelemetryState {
  if (!frame.available) {
    // Keep what was drawn: a driver hiccup should not wipe five minutes of history.
    return { ...state, status: "unavailable", reason: frame.reason };
  }
  // A reconnect is greeted with the sample already seen: nothing new.
  if (frame.ts === state.ts && state.status === "available") return state;
  const gpus = [...frame.gpus].sort((a, b) => a.index - b.index);
  const sample: Sample = { ts: frame.ts, gpus: new Map(gpus.filter((g) => !g.error).map((g) => [g.index, values(g)])) };
  // The server's clock went back (NTP): x must grow, so the history starts again from here.
  const restart = state.ts !== null && frame.ts < state.ts;
  const kept = restart ? [] : state.history.slice(Math.max(0, state.history.length - keep + 1));
  return {
    status: "available",
    reason: null,
    gpus,
    ts: frame.ts,
    t0: restart || state.t0 === null ? frame.ts : state.t0,
    history: [...kept, sample],
  };
}

/** Indices of every GPU that appears in the kept history, ascending. */
export function historyGpus(state: TelemetryState): number[] {
  const seen = new Set<number>();
  for (const sample of state.history) for (const index of sample.gpus.keys()) seen.add(index);
  return [...seen].sort((a, b) => a - b);
}

/** uPlot columns of one quantity: `[seconds since t0, GPU a, GPU b, ...]`, null where a GPU gave no value. */
export function quantityColumns(state: TelemetryState, quantity: Quantity, gpuIndices = historyGpus(state)): uPlot.AlignedData {
  const t0 = state.t0 ?? 0;
  const x = state.history.map((s) => Math.round((s.ts - t0) * 1000) / 1000);
  const ys = gpuIndices.map((index) => state.history.map((s) => s.gpus.get(index)?.[quantity] ?? null));
  return [x, ...ys];
}

/** `12.3 / 80.0 GiB` style memory of a card, in GiB from 1 GiB up. */
export function memoryText(usedMib: number | null | undefined, totalMib: number | null | undefined): string | null {
  const used = finite(usedMib);
  const total = finite(totalMib);
  if (used === null && total === null) return null;
  const gib = (total ?? used ?? 0) >= 1024;
  const show = (v: number | null) => (v === null ? "?" : gib ? (v / 1024).toFixed(1) : v.toFixed(0));
  return `${show(used)} / ${show(total)} ${gib ? "GiB" : "MiB"}`;
}

/** A 0..100 share for a progress bar, or null. */
export function share(value: number | null | undefined, of: number | null | undefined = 100): number | null {
  const v = finite(value);
  const total = finite(of);
  if (v === null || total === null || total <= 0) return null;
  return Math.max(0, Math.min(100, (v * 100) / total));
}
