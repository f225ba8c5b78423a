import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./client";
import { exportRuns, importArchive, previewImport } from "./archives";

afterEach(() => vi.unstubAllGlobals());

function stubFetch(response: Response) {
  const calls: { path: string; init: RequestInit }[] = [];
  vi.stubGlobal("fetch", (path: string, init: RequestInit) => {
    calls.push({ path, init });
    return Promise.resolve(response);
  });
  return calls;
}

describe("run archives client", () => {
  it("exports the selection and keeps the server's file name", async () => {
    const calls = stubFetch(new Response("PK", { headers: { "Content-Disposition": 'attachment; filename="runicorn-runs-1.zip"' } }));
    const { blob, fileName } = await exportRuns(["20250101_000000_abcdef"]);
    expect(fileName).toBe("runicorn-runs-1.zip");
    expect(await blob.text()).toBe("PK");
    expect(calls[0]?.path).toBe("/api/runs/export");
    expect(calls[0]?.init.body).toBe(JSON.stringify({ run_ids: ["20250101_000000_abcdef"] }));
    expect(new Headers(calls[0]?.init.headers).get("Content-Type")).toBe("application/json");
  });

  it("uploads the archive as multipart without forcing a JSON content type", async () => {
    const calls = stubFetch(new Response(JSON.stringify({ token: "t".repeat(32), runs: { new: [], duplicates: [] } })));
    const answer = await previewImport(new File(["PK"], "runs.zip"), "isolate");
    expect(answer.token).toHaveLength(32);
    const body = calls[0]?.init.body as FormData;
    expect(body.get("mode")).toBe("isolate");
    expect((body.get("file") as File).name).toBe("runs.zip");
    expect(new Headers(calls[0]?.init.headers).has("Content-Type")).toBe(false);
  });

  it("turns a refused archive into an ApiError carrying the server's words", async () => {
    stubFetch(new Response(JSON.stringify({ detail: "Invalid archive: not a ZIP archive" }), { status: 400 }));
    const error = await previewImport(new File(["x"], "x.zip"), "merge").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe("Invalid archive: not a ZIP archive");
  });

  it("imports with the token", async () => {
    const calls = stubFetch(new Response(JSON.stringify({ imported_runs: 2, imported_versions: 1 })));
    expect((await importArchive("tok", "merge")).imported_runs).toBe(2);
    expect(calls[0]?.init.body).toBe(JSON.stringify({ token: "tok", mode: "merge" }));
  });
});
