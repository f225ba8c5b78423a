/**
 * Requests the first page needs, started before React renders it: the data of the page the
 * browser opened (and the code of a lazily loaded page) load while the app starts, instead of
 * one after the other.
 */
import type { QueryClient } from "@tanstack/react-query";
import { experimentsQuery, metricColumnsQuery, projectsQuery, runQuery } from "./api/queries";
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
    void client.prefetchQuery(metricColumnsQuery(runId));
  }
}
