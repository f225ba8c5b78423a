/**
 * Query definitions shared by the pages and by the start-up prefetch (main.tsx), so both use the
 * same keys and a prefetched answer is the one the page reads.
 */
import { queryOptions } from "@tanstack/react-query";
import { ApiError, api, clampDownsample } from "./client";
import type { ExperimentQuery } from "./types";

/** A 4xx says what is wrong with the request: asking again gives the same answer. */
/** Retry once after a network failure or a 5xx; a 4xx is the server's answer and will not change. */
export const retryUnlessRefused = (count: number, error: Error) => !(error instanceof ApiError && error.status < 500) && count < 1;

export const experimentsQuery = (query: ExperimentQuery) =>
  queryOptions({ queryKey: ["experiments", query], queryFn: () => api.experiments(query), retry: retryUnlessRefused });

export const projectsQuery = () => queryOptions({ queryKey: ["projects"], queryFn: api.projects });

export const runQuery = (runId: string) =>
  queryOptions({ queryKey: ["run", runId], queryFn: () => api.run(runId), retry: retryUnlessRefused });

/** Three points per metric: enough to learn a run's column names and which ones hold text. */
export const metricColumnsQuery = (runId: string, epoch = 0) =>
  queryOptions({
    queryKey: ["metric-columns", runId, epoch],
    queryFn: () => api.metricsFast(runId, { downsample: 3 }),
    retry: retryUnlessRefused,
  });

/** Points a chart of `width` pixels asks for: whole hundreds, so a small resize fetches nothing. */
export function chartDownsample(width: number): number {
  return clampDownsample(Math.ceil(Math.max(width, 1) / 100) * 100);
}

/** One metric of one run at about `downsample` points (with `x`, `time` or `epoch`, for such an axis). */
export const metricQuery = (runId: string, metric: string, x: "time" | "epoch" | null, downsample: number, epoch = 0) =>
  queryOptions({
    queryKey: ["metric", runId, metric, x, downsample, epoch],
    queryFn: () => api.metricsFast(runId, { names: x ? [metric, x] : [metric], downsample }),
    staleTime: Infinity,
  });
