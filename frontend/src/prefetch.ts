/**
 * Requests the first page needs, started before React renders it: the data of the page the
 * browser opened (and the code of a lazily loaded page) load while the app starts, instead of
 * one after the other.
 */
import type { QueryClient } from "@tanstack/react-query";
import { firstColumnsQuery, firstMetricQuery } from "./api/metrics";
import { chartDownsample, experimentsQuery, metricColumnsQuery, metricQuery, projectsQuery, runQuery } from "./api/queries";
import { api } from "./api/client";
import { earlyUrls, fromEarly } from "./early";
import { loadChartDefaults } from "./lib/chartDefaults";
import { metricNames } from "./lib/series";
import { DEFAULT_LAYOUT, planCharts } from "./pages/run/layout";
import { readFilters, toQuery } from "./pages/experiments/filters";

export function prefetchFor(client: QueryClient, location: Pick<Location, "pathname" | "search">): void {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/experiments") {
    // index.html may have started these already (early.ts).
    const query = toQuery(readFilters(new URLSearchParams(location.search)));
    void client.prefetchQuery({ ...experimentsQuery(query), queryFn: fromEarly(earlyUrls.experiments(query), () => api.experiments(query)) });
    void client.prefetchQuery({ ...projectsQuery(), queryFn: fromEarly(earlyUrls.projects(), api.projects) });
    return;
  }
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run?.[1]) {
    const runId = decodeURIComponent(run[1]);
    void import("./pages/run/RunPage");
    void client.prefetchQuery({ ...runQuery(runId), queryFn: fromEarly(earlyUrls.run(runId), () => api.run(runId)) });
    // Then the first charts' data, at the width and on the x axis the run page will give them.
    // While the viewer parses a large run, both are previews (api/metrics.ts), and the exact
    // column list is asked for once they are on their way.
    void client
      .fetchQuery(firstColumnsQuery(runId))
      .then((columns) => {
        // The metrics of the first charts in the page's default order (stage metrics share a chart).
        const names = planCharts(metricNames(columns.columns, columns.rows), DEFAULT_LAYOUT).flatMap((p) => p.metrics);
        const downsample = chartDownsample(firstChartWidth());
        const withTime = loadChartDefaults().xAxis === "time" && columns.columns.includes("time");
        const preview = columns.preview === true;
        for (const metric of names.slice(0, FIRST_CHARTS)) {
          if (preview) void client.prefetchQuery(firstMetricQuery(runId, metric, withTime ? "time" : null, downsample));
          else void client.prefetchQuery(metricQuery(runId, metric, withTime ? "time" : null, downsample));
        }
        if (preview) void client.prefetchQuery(metricColumnsQuery(runId));
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
