// @vitest-environment node
import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chartDownsample, experimentsQuery } from "./api/queries";
import { readFilters, toQuery } from "./pages/experiments/filters";
import { firstChartWidth, prefetchFor } from "./prefetch";

afterEach(() => vi.unstubAllGlobals());

describe("start-up prefetch", () => {
  it("asks for the experiments page the URL describes, under the key the page reads", async () => {
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(JSON.stringify({ experiments: [], total: 0 }), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    const client = new QueryClient();
    prefetchFor(client, { pathname: "/", search: "?project=vision&status=running" });
    const key = experimentsQuery(toQuery(readFilters(new URLSearchParams("project=vision&status=running")))).queryKey;
    await vi.waitFor(() => expect(client.getQueryData(key)).toEqual({ experiments: [], total: 0 }));
    expect(String(fetch.mock.calls[0]?.[0])).toContain("/api/v2/experiments?project=vision&status=running");
  });

  it("guesses the chart width of the run page's grid", () => {
    expect(firstChartWidth(1440)).toBe(698);
    expect(firstChartWidth(1000)).toBe(968);
    expect(chartDownsample(698)).toBe(700);
    expect(chartDownsample(0)).toBe(100);
  });
});
