import { afterEach, describe, expect, it, vi } from "vitest";
import indexHtml from "../index.html?raw";
import { api } from "./api/client";
import { firstLookUrl } from "./api/metrics";
import { earlyUrls, fromEarly } from "./early";
import { readFilters, toQuery } from "./pages/experiments/filters";

const RUN = "20250101_000000_abcdef";

/** The inline script of index.html, run on `path`; the URLs it asked for. */
function runIndexScript(path: string): string[] {
  const code = /<script>([\s\S]*?)<\/script>/.exec(indexHtml)?.[1];
  if (!code) throw new Error("index.html has no inline script");
  const urls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response("{}", { status: 200 });
    }),
  );
  window.history.pushState({}, "", path);
  new Function(code)();
  return urls;
}

/** The URL the app's client fetches for `call`. */
async function clientUrl(call: () => Promise<unknown>): Promise<string> {
  const fetch = vi.fn(async (_input: RequestInfo | URL) => new Response("{}", { status: 200 }));
  vi.stubGlobal("fetch", fetch);
  await call();
  return String(fetch.mock.calls[0]?.[0]);
}

afterEach(() => {
  vi.unstubAllGlobals();
  delete window.__runicornEarly;
  window.history.pushState({}, "", "/");
});

describe("early requests of index.html", () => {
  it("asks for what the experiments page asks first, by the same URLs", () => {
    const urls = runIndexScript("/");

    expect(urls).toEqual([earlyUrls.experiments(toQuery(readFilters(new URLSearchParams()))), earlyUrls.projects()]);
    expect(Object.keys(window.__runicornEarly ?? {})).toEqual(urls);
  });

  it("asks for a run page's run and the first look at its columns", () => {
    const urls = runIndexScript(`/runs/${RUN}/`);

    expect(urls).toEqual([earlyUrls.run(RUN), firstLookUrl(RUN, { downsample: 3 })]);
  });

  it("leaves pages it cannot guess to the app", () => {
    expect(runIndexScript("/?project=vision")).toEqual([]);
    expect(runIndexScript("/compare")).toEqual([]);
  });

  it("uses the client's own URLs", async () => {
    const query = toQuery(readFilters(new URLSearchParams()));
    expect(await clientUrl(() => api.experiments(query))).toBe(earlyUrls.experiments(query));
    expect(await clientUrl(() => api.projects())).toBe(earlyUrls.projects());
    expect(await clientUrl(() => api.run(RUN))).toBe(earlyUrls.run(RUN));
  });
});

describe("fromEarly", () => {
  it("answers from the early request once, then asks itself", async () => {
    window.__runicornEarly = { "/api/projects": Promise.resolve({ projects: ["a"] }) };
    const ask = vi.fn(async () => ({ projects: ["asked"] }));

    expect(await fromEarly("/api/projects", ask)()).toEqual({ projects: ["a"] });
    expect(ask).not.toHaveBeenCalled();
    expect(await fromEarly("/api/projects", ask)()).toEqual({ projects: ["asked"] });
  });

  it("asks itself when the early answer was refused or failed", async () => {
    window.__runicornEarly = {
      "/api/projects": Promise.reject(new Error("401 /api/projects")),
      "/api/runs/x": Promise.reject(new TypeError("network down")),
    };
    const ask = vi.fn(async () => "asked");

    expect(await fromEarly("/api/projects", ask)()).toBe("asked");
    expect(await fromEarly("/api/runs/x", ask)()).toBe("asked");
    expect(ask).toHaveBeenCalledTimes(2);
  });
});

describe("the early answers of index.html", () => {
  it("are the parsed bodies, or a rejection the query turns into its own request", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL) =>
        String(input).startsWith("/api/runs/")
          ? new Response(JSON.stringify({ id: RUN }), { status: 200 })
          : new Response(JSON.stringify({ detail: "busy" }), { status: 503 }),
      ),
    );
    window.history.pushState({}, "", `/runs/${RUN}`);
    const code = /<script>([\s\S]*?)<\/script>/.exec(indexHtml)?.[1] ?? "";
    new Function(code)();

    expect(await fromEarly(earlyUrls.run(RUN), async () => "asked")()).toEqual({ id: RUN });
    expect(await fromEarly(firstLookUrl(RUN, { downsample: 3 }), async () => "asked")()).toBe("asked");
  });
});
