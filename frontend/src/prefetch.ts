/**
 * Requests the first page needs, started before React renders it: the data of the page the
 * browser opened (and the code of a lazily loaded page) load while the app starts, instead of
 * one after the other.
 */
import type { QueryClient } from "@tanstack/react-query";
import { chartDownsample, experimentsQuery, metricColumnsQuery, metricQuery, projectsQuery, runQuery } from "./api/queries";
import { groupByPrefix, metricNames } from "./lib/series";
import { readFilters, toQuery } from "./pages/experiments/filters";

export function prefetchFor(client: QueryClient, location: Pick<Location, "pathname" | "search">): void {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/experiments") {
    void client.prefetchQuery(experimentsQuery(toQuery(readFilters(new URLSearchParams(location.search)))));
    void client.prefetchQuery(projectsQuery());
    return;
  }
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run?.[1]) {
    const runId = decodeURIComponent(run[1]);
    void import("./pages/run/RunPage");
    void client.prefetchQuery(runQuery(runId));
    // Then the first charts' data, at the width the run page will give them.
    void client
      .fetchQuery(metricColumnsQuery(runId))
      .then((columns) => {
        const names = groupByPrefix(metricNames(columns.columns, columns.rows)).flatMap((g) => g.metrics);
        const downsample = chartDownsample(firstChartWidth());
        for (const metric of names.slice(0, FIRST_CHARTS)) void client.prefetchQuery(metricQuery(runId, metric, false, downsample));
      })
      .catch(() => undefined); // the page shows the error when it asks itself
  }
}

const FIRST_CHARTS = 4;

/**
 * The width of a chart card on the run page: the page's padding (16 px each side) and the grid
 * of one column, or two 12 px apart from Mantine's `lg` breakpoint (1200 px) on. Kept in step
 * with MetricsTab's layout; a wrong guess only costs the chart its own request.
 */
export function firstChartWidth(viewport = document.documentElement.clientWidth): number {
  const content = viewport - 32;
  return viewport >= 1200 ? (content - 12) / 2 : content;
}
