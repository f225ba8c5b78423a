import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prefetchFor } from "../prefetch";
import { firstColumnsQuery, firstMetricQuery, useRefined, useRunColumns } from "./metrics";
import { metricColumnsQuery, metricQuery } from "./queries";

afterEach(() => vi.unstubAllGlobals());

const RUN = "20250101_000000_abcdef";
const sample = { columns: ["global_step", "loss"], rows: [{ global_step: 1, loss: 2 }], total_points: 1, query_time_ms: 1, preview: true };
const exact = { columns: ["global_step", "loss", "val_acc"], rows: [{ global_step: 1, loss: 2 }, { global_step: 2, loss: 1 }], total_points: 2, query_time_ms: 9 };

/** A viewer that answers `preview=1` with `first` and everything else with `exact`, and records the URLs. */
function viewer(first: object, final: object = exact) {
  const urls: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    urls.push(url);
    return new Response(JSON.stringify(url.includes("preview=1") ? first : final), { status: 200 });
  });
  vi.stubGlobal("fetch", fetch);
  return urls;
}

function wrapper(client: QueryClient) {
  return ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe("first look, then the exact answer", () => {
  it("asks with preview=1 and stores an exact first answer under the exact query's key", async () => {
    const urls = viewer({ ...exact, preview: false });
    const client = new QueryClient();

    const answer = await client.fetchQuery(firstColumnsQuery(RUN));

    expect(answer.preview).toBe(false);
    expect(urls).toEqual([`/api/v2/experiments/${RUN}/metrics/fast?downsample=3&preview=1`]);
    expect(client.getQueryData(metricColumnsQuery(RUN).queryKey)).toEqual({ ...exact, preview: false });
  });

  it("shows the preview, refining, then the exact answer from one more request", async () => {
    const urls = viewer(sample);
    const client = new QueryClient();

    const { result } = renderHook(() => useRunColumns(RUN, 0), { wrapper: wrapper(client) });

    await waitFor(() => expect(result.current.data?.columns).toEqual(exact.columns));
    expect(result.current.refining).toBe(false);
    expect(urls).toEqual([
      `/api/v2/experiments/${RUN}/metrics/fast?downsample=3&preview=1`,
      `/api/v2/experiments/${RUN}/metrics/fast?downsample=3`,
    ]);
  });

  it("keeps the preview without asking again until it may refine", async () => {
    const urls = viewer(sample);
    const client = new QueryClient();
    const first = firstMetricQuery(RUN, "loss", null, 700);
    const final = metricQuery(RUN, "loss", null, 700);

    const { result, rerender } = renderHook(({ refine }) => useRefined(first, final, { enabled: true, askExact: refine ? "now" : "later" }), {
      wrapper: wrapper(client),
      initialProps: { refine: false },
    });
    await waitFor(() => expect(result.current.data).toEqual(sample));
    expect(result.current.refining).toBe(true);
    expect(urls).toHaveLength(1);

    rerender({ refine: true });

    await waitFor(() => expect(result.current.data).toEqual(exact));
    expect(result.current.refining).toBe(false);
    expect(urls[1]).toBe(`/api/v2/experiments/${RUN}/metrics/fast?metric_names=loss&downsample=700`);
  });

  it("asks for nothing more once the exact answer is known", async () => {
    const urls = viewer(sample);
    const client = new QueryClient();
    client.setQueryData(metricQuery(RUN, "loss", null, 700).queryKey, exact);

    const { result } = renderHook(
      () => useRefined(firstMetricQuery(RUN, "loss", null, 700), metricQuery(RUN, "loss", null, 700), { enabled: true, askExact: "later" }),
      { wrapper: wrapper(client) },
    );

    expect(result.current.data).toEqual(exact);
    expect(result.current.refining).toBe(false);
    expect(urls).toEqual([]);
  });

  it("asks for the exact answer alone when the viewer holds the run", async () => {
    const urls = viewer(sample);
    const client = new QueryClient();

    const { result } = renderHook(
      () => useRefined(firstMetricQuery(RUN, "loss", null, 700), metricQuery(RUN, "loss", null, 700), { enabled: true, askExact: "now" }),
      { wrapper: wrapper(client) },
    );

    await waitFor(() => expect(result.current.data).toEqual(exact));
    expect(urls).toEqual([`/api/v2/experiments/${RUN}/metrics/fast?metric_names=loss&downsample=700`]);
  });

  it("falls back to the exact request when the first look fails", async () => {
    const urls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL) => {
        const url = String(input);
        urls.push(url);
        return url.includes("preview=1")
          ? new Response(JSON.stringify({ detail: "preview must be true or false" }), { status: 400 })
          : new Response(JSON.stringify(exact), { status: 200 });
      }),
    );
    const client = new QueryClient();

    const { result } = renderHook(() => useRunColumns(RUN, 0), { wrapper: wrapper(client) });

    await waitFor(() => expect(result.current.data).toEqual(exact));
    expect(result.current.error).toBeNull();
  });
});

describe("start-up prefetch of a run page", () => {
  it("asks for previews of the first charts and then the exact column list while the viewer parses", async () => {
    const urls = viewer({ ...sample, columns: ["global_step", "acc", "loss", "stage"], rows: [{ global_step: 1, acc: 0.1, loss: 2, stage: "train" }] });
    const client = new QueryClient();

    prefetchFor(client, { pathname: `/runs/${RUN}`, search: "" });

    await waitFor(() => expect(urls).toHaveLength(5));
    const fast = urls.filter((u) => u.includes("/metrics/fast"));
    expect(fast).toEqual([
      `/api/v2/experiments/${RUN}/metrics/fast?downsample=3&preview=1`,
      expect.stringMatching(/metric_names=acc&downsample=\d+&preview=1$/),
      expect.stringMatching(/metric_names=loss&downsample=\d+&preview=1$/),
      `/api/v2/experiments/${RUN}/metrics/fast?downsample=3`,
    ]);
  });

  it("asks for the exact charts at once when the viewer already holds the run", async () => {
    const urls = viewer({ ...exact, preview: false });
    const client = new QueryClient();

    prefetchFor(client, { pathname: `/runs/${RUN}`, search: "" });

    await waitFor(() => expect(urls.filter((u) => u.includes("metric_names="))).toHaveLength(2));
    expect(urls.filter((u) => u.includes("metric_names=")).every((u) => !u.includes("preview"))).toBe(true);
    expect(urls.filter((u) => u.endsWith("downsample=3"))).toEqual([]); // the first look was exact
  });
});
