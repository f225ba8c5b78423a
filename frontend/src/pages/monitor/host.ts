/** The host panel's history: CPU and memory percentages of the last samples, oldest first. */
import type { HostSample } from "../../api/system";

export const HOST_HISTORY = 300;

export interface HostHistory {
  t: number[];
  cpu: number[];
  memory: number[];
}

export const emptyHostHistory = (): HostHistory => ({ t: [], cpu: [], memory: [] });

/** `history` with `sample` appended (a repeated timestamp is ignored), at most `limit` long. */
export function addHostSample(history: HostHistory, sample: HostSample, limit = HOST_HISTORY): HostHistory {
  const last = history.t[history.t.length - 1];
  if (last !== undefined && sample.ts <= last) return history;
  const cut = (list: number[], value: number) => [...list, value].slice(-limit);
  return { t: cut(history.t, sample.ts), cpu: cut(history.cpu, sample.cpu.percent), memory: cut(history.memory, sample.memory.percent) };
}

/** Load averages relative to the logical cores: 1.0 means every core busy. */
export function loadPerCore(sample: HostSample): number[] | null {
  const cores = sample.cpu.logical_count ?? sample.cpu.per_core.length;
  if (!sample.cpu.load_avg || !cores) return null;
  return sample.cpu.load_avg.map((v) => v / cores);
}
