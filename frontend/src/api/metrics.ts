/**
 * A run's metrics answered twice while the viewer parses a large run: first a preview, then the
 * exact answer.
 *
 * `metrics/fast?preview=1` answers at once: from the run's parsed table when the viewer holds it
 * (`preview: false`, exact), else from a sample of the file's lines (`preview: true`) while the
 * viewer parses the whole file. A preview holds real rows of the run, but far fewer of them: the
 * page draws it, says it is refining, and replaces it with the exact answer (the queries of
 * `queries.ts`, under their usual keys) as soon as the parse is done.
 *
 * Only one exact request waits for the parse (the column list); the charts ask for their exact
 * data once it has come, so the browser's few connections to the viewer are not all held by
 * requests that wait.
 */
import { queryOptions, useQuery, useQueryClient, type QueryKey, type UseQueryOptions } from "@tanstack/react-query";
import { fromEarly } from "../early";
import { enc, queryString, request } from "./client";
import { metricColumnsQuery, metricQuery, retryUnlessRefused } from "./queries";
import type { FastMetrics } from "./types";

export interface FirstLook extends FastMetrics {
  /** True: a sample of the run's lines, the exact answer follows. Absent when not asked for. */
  preview?: boolean;
}

export function firstLookUrl(runId: string, options: { names?: string[]; downsample?: number }): string {
  return `/api/v2/experiments/${enc(runId)}/metrics/fast${queryString({
    metric_names: options.names,
    downsample: options.downsample,
    preview: 1,
  })}`;
}

/**
 * `metrics/fast` with `preview=1`: exact when the viewer holds the run, else a sample. The column
 * list of a run page opened directly was already asked for by index.html (early.ts).
 */
export function metricsFirstLook(runId: string, options: { names?: string[]; downsample?: number }): Promise<FirstLook> {
  const url = firstLookUrl(runId, options);
  return fromEarly(url, () => request<FirstLook>(url))();
}

/**
 * The first look of the query `exact`: an exact answer is also stored under `exact`'s key, so
 * nothing asks for it again.
 */
function firstLookOf(exact: { queryKey: QueryKey }, fetch: () => Promise<FirstLook>) {
  return queryOptions({
    queryKey: ["first-look", ...exact.queryKey],
    queryFn: async ({ client }) => {
      const answer = await fetch();
      if (answer.preview !== true) client.setQueryData(exact.queryKey, answer);
      return answer;
    },
    staleTime: Infinity,
    retry: retryUnlessRefused,
  });
}

/** The first look of `metricColumnsQuery`: the run's metric names (three points each). */
export const firstColumnsQuery = (runId: string, epoch = 0) =>
  firstLookOf(metricColumnsQuery(runId, epoch), () => metricsFirstLook(runId, { downsample: 3 }));

/** The first look of `metricQuery`: one metric at about `downsample` points. */
export const firstMetricQuery = (runId: string, metric: string, x: "time" | "epoch" | null, downsample: number, epoch = 0) =>
  firstLookOf(metricQuery(runId, metric, x, downsample, epoch), () =>
    metricsFirstLook(runId, { names: x ? [metric, x] : [metric], downsample }),
  );

export interface Refined<T> {
  /** The exact answer, else the preview, else undefined. */
  data: T | undefined;
  /** A preview is shown and the exact answer is still to come. */
  refining: boolean;
  error: Error | null;
  isPending: boolean;
  refetch: () => void;
}

/**
 * When to ask for the exact answer: `now` (the viewer holds the run: a first look would only add
 * a request), `after-first-look` (as soon as the first look has come), `later` (not yet: the first
 * look is all for now). A known exact answer is used at once in every case.
 */
export type AskExact = "now" | "after-first-look" | "later";

/** `first` (a first look) and then, as `askExact` says, `exact`. */
export function useRefined<T extends FastMetrics, FirstKey extends QueryKey, ExactKey extends QueryKey>(
  first: UseQueryOptions<FirstLook, Error, FirstLook, FirstKey>,
  exact: UseQueryOptions<T, Error, T, ExactKey>,
  options: { enabled: boolean; askExact: AskExact },
): Refined<T | FirstLook> {
  const client = useQueryClient();
  const known = client.getQueryData(exact.queryKey) !== undefined;
  const now = options.askExact === "now";
  const firstLook = useQuery({ ...first, enabled: options.enabled && !known && !now });
  const ask =
    known || now || firstLook.isError || (options.askExact === "after-first-look" && firstLook.data !== undefined);
  const exactAnswer = useQuery({ ...exact, enabled: options.enabled && ask });
  const data = exactAnswer.data ?? firstLook.data;
  const error = exactAnswer.error ?? (data === undefined ? firstLook.error : null);
  return {
    data,
    refining: exactAnswer.data === undefined && firstLook.data?.preview === true && exactAnswer.error === null,
    error,
    isPending: data === undefined && error === null,
    refetch: () => void (firstLook.isError ? firstLook.refetch() : exactAnswer.refetch()),
  };
}

/** The run's metric names: a first look, then the exact list, asked for as soon as the first look came. */
export function useRunColumns(runId: string, epoch: number, enabled = true) {
  return useRefined(firstColumnsQuery(runId, epoch), metricColumnsQuery(runId, epoch), { enabled, askExact: "after-first-look" });
}
