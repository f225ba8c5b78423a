/**
 * The system API: the viewer's health and version, the metrics cache counters, and GPU telemetry
 * (`GET /api/gpu/telemetry`, pushed once a second on `WS /api/gpu/telemetry/ws`).
 */
import { request, wsUrl } from "./client";

/** `GET /api/health`. */
export interface Health {
  status: string;
  storage: string;
  version: string;
  index: { runs: number; generation: number; last_full_scan: number | null; watcher_running: boolean };
  cache: Record<string, unknown>;
}

/** `GET /api/metrics/cache/stats`: the parsed-metrics cache of this viewer process. */
export interface CacheStats {
  size: number;
  max_size: number;
  hits: number;
  misses: number;
  incremental_updates: number;
  /** 0..1 */
  hit_rate: number;
  /** 0..1 */
  incremental_rate: number;
  bytes: number;
  max_bytes: number;
}

/** A process on a GPU; `run_id` names the run when the process is a running run of this host. */
export interface GpuProcess {
  pid: number;
  used_memory_mib: number | null;
  types: string[];
  run_id: string | null;
}

/** One GPU of a sample; a sensor the card lacks is null, a card NVML cannot read has `error`. */
export interface GpuReading {
  index: number;
  name: string | null;
  util_gpu?: number | null;
  util_mem?: number | null;
  mem_total_mib?: number | null;
  mem_used_mib?: number | null;
  mem_used_pct?: number | null;
  temp_c?: number | null;
  power_w?: number | null;
  power_limit_w?: number | null;
  clock_sm_mhz?: number | null;
  clock_mem_mhz?: number | null;
  pstate?: string | null;
  fan_speed_pct?: number | null;
  error?: string;
  processes: GpuProcess[];
}

export type TelemetryFrame =
  | { available: true; ts: number; gpus: GpuReading[] }
  | { available: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A telemetry frame (HTTP answer or WebSocket message), or null for one this client cannot read. */
export function parseTelemetryFrame(value: unknown): TelemetryFrame | null {
  if (!isRecord(value)) return null;
  if (value.available === false) {
    return { available: false, reason: typeof value.reason === "string" && value.reason ? value.reason : "unknown" };
  }
  if (value.available !== true || typeof value.ts !== "number" || !Array.isArray(value.gpus)) return null;
  const gpus = value.gpus.filter(
    (g): g is GpuReading => isRecord(g) && typeof g.index === "number" && Array.isArray(g.processes),
  );
  return { available: true, ts: value.ts, gpus };
}

/** `GET /api/system/monitor`: the viewer's host (the reference's fields). */
export interface HostSample {
  available: boolean;
  ts: number;
  cpu: { percent: number; count: number | null; logical_count: number | null; per_core: number[]; load_avg: number[] | null };
  memory: { total: number; available: number; used: number; percent: number; swap_total: number; swap_used: number; swap_percent: number };
  disk: { path: string; total: number; used: number; free: number; percent: number };
}

export const systemApi = {
  host(): Promise<HostSample> {
    return request("/api/system/monitor");
  },
  health(): Promise<Health> {
    return request("/api/health");
  },
  cacheStats(): Promise<CacheStats> {
    return request("/api/metrics/cache/stats");
  },
  telemetrySocket(): string {
    return wsUrl("/api/gpu/telemetry/ws");
  },
};

export const systemKeys = {
  health: ["health"] as const,
  cacheStats: ["metrics-cache-stats"] as const,
};
