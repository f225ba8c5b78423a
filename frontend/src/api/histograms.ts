/** Types and the request of GET /api/runs/{run_id}/histograms (through the one client's `request`). */
import { request } from "./client";

export interface HistogramEntry {
  step: number;
  ts: number | null;
  min: number | null;
  max: number | null;
  count: number;
  sum: number | null;
  /** One more than `counts`: bucket i holds values in [edges[i], edges[i+1]). */
  edges: number[];
  counts: number[];
}

export interface HistogramSeries {
  key: string;
  total_steps: number;
  entries: HistogramEntry[];
}

export function runHistograms(runId: string, maxSteps = 200): Promise<{ run_id: string; histograms: HistogramSeries[] }> {
  return request(`/api/runs/${encodeURIComponent(runId)}/histograms?max_steps=${maxSteps}`);
}
