// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, clampDownsample, errorFromBody, mediaUrl, parseMetricsMessage, queryString, wsUrl } from "./client";

function answer(status: number, body: unknown) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("queryString", () => {
  it("leaves out empty values and joins lists with commas", () => {
    expect(queryString({ project: "vision", name: "", status: ["finished", "failed"], tags: [], page: 2, q: undefined })).toBe(
      "?project=vision&status=finished%2Cfailed&page=2",
    );
    expect(queryString({})).toBe("");
  });
});

describe("api.experiments", () => {
  it("asks the V2 list with the filters as parameters", async () => {
    const fetch = answer(200, { experiments: [], total: 0, page: 1, per_page: 50, has_next: false, has_prev: false, query_time_ms: 1 });
    vi.stubGlobal("fetch", fetch);
    const page = await api.experiments({ project: "p", order_by: "best_metric_value", order_desc: false, q: 'tags contains "a"' });
    expect(page.total).toBe(0);
    const url = new URL(String(fetch.mock.calls[0]?.[0]), "http://x");
    expect(url.pathname).toBe("/api/v2/experiments");
    expect(url.searchParams.get("order_by")).toBe("best_metric_value");
    expect(url.searchParams.get("order_desc")).toBe("false");
    expect(url.searchParams.get("q")).toBe('tags contains "a"');
  });

  it("turns a q= syntax error into an ApiError with its position", async () => {
    vi.stubGlobal("fetch", answer(400, { detail: "q: expected a value at position 10", param: "q", position: 10, expected: "a value" }));
    const error = await api.experiments({ q: "project = " }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, param: "q", position: 10, expected: "a value", message: "q: expected a value at position 10" });
  });
});

describe("errorFromBody", () => {
  it("uses the status line when the body is not the API's JSON", () => {
    const error = errorFromBody(502, "Bad Gateway", null);
    expect(error.message).toBe("502 Bad Gateway");
    expect(error.position).toBeNull();
  });

  it("keeps a structured detail readable", () => {
    expect(errorFromBody(400, "", { detail: { field: "x" } }).message).toBe('{"field":"x"}');
  });
});

describe("posting", () => {
  it("soft deletes through the V2 batch endpoint with a JSON body", async () => {
    const fetch = answer(200, { deleted: 1, results: { a: { success: true } }, message: "" });
    vi.stubGlobal("fetch", fetch);
    await api.softDelete(["a"]);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe("/api/v2/experiments/batch-delete");
    expect(init?.method).toBe("POST");
    expect(JSON.parse(String(init?.body))).toEqual({ exp_ids: ["a"], reason: "deleted in the web UI" });
  });
});

describe("metrics", () => {
  it("clamps downsample to what the API accepts", () => {
    expect(clampDownsample(12)).toBe(100);
    expect(clampDownsample(812.4)).toBe(812);
    expect(clampDownsample(1e9)).toBe(50_000);
  });

  it("writes a step range with open ends", async () => {
    const fetch = answer(200, { columns: [], rows: [], total_points: 0, query_time_ms: 0 });
    vi.stubGlobal("fetch", fetch);
    await api.metricsFast("r1", { names: ["train/loss"], stepRange: [100, null], downsample: 640 });
    const url = new URL(String(fetch.mock.calls[0]?.[0]), "http://x");
    expect(url.pathname).toBe("/api/v2/experiments/r1/metrics/fast");
    expect(url.searchParams.get("metric_names")).toBe("train/loss");
    expect(url.searchParams.get("step_range")).toBe("100:");
    expect(url.searchParams.get("downsample")).toBe("640");
  });

  it("understands the metrics WebSocket frames and ignores others", () => {
    expect(parseMetricsMessage('{"type":"rows","rows":[{"global_step":3,"loss":1}],"columns":["global_step","loss"],"last_step":3}')).toEqual({
      type: "rows",
      rows: [{ global_step: 3, loss: 1 }],
      columns: ["global_step", "loss"],
      last_step: 3,
    });
    expect(parseMetricsMessage('{"type":"hello","last_step":null,"total":0,"columns":[]}')?.type).toBe("hello");
    expect(parseMetricsMessage('{"type":"rows","columns":[]}')).toBeNull();
    expect(parseMetricsMessage("[error] not json")).toBeNull();
    expect(parseMetricsMessage('{"type":"mystery"}')).toBeNull();
  });
});

describe("urls", () => {
  it("escapes media paths segment by segment", () => {
    expect(mediaUrl("r1", "media/1 a#b.png")).toBe("/api/runs/r1/media/media/1%20a%23b.png");
  });

  it("picks ws or wss from the page", () => {
    expect(wsUrl("/api/x", { protocol: "https:", host: "h:1" })).toBe("wss://h:1/api/x");
    expect(wsUrl("/api/x", { protocol: "http:", host: "h" })).toBe("ws://h/api/x");
  });
});
