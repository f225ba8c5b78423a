import { afterEach, describe, expect, it, vi } from "vitest";
import { authSignals } from "./authSignals";
import { RemoteApiError, remote } from "./remote";

function answer(status: number, body: unknown) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = "csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
});

describe("remote client", () => {
  it("throws the Remote API's code, and an SSH login refused is not a lost session", async () => {
    vi.stubGlobal("fetch", answer(401, { success: false, error: "authentication_failed", message: "SSH authentication failed" }));
    const before = authSignals().unauthenticated;
    const error = await remote.connect({ host: "h", username: "u" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteApiError);
    expect((error as RemoteApiError).code).toBe("authentication_failed");
    expect(authSignals().unauthenticated).toBe(before);
  });

  it("signals the login page when the viewer's session is gone", async () => {
    vi.stubGlobal("fetch", answer(401, { detail: "Authentication credentials were not provided." }));
    const before = authSignals().unauthenticated;
    await expect(remote.connections()).rejects.toBeInstanceOf(RemoteApiError);
    expect(authSignals().unauthenticated).toBe(before + 1);
  });

  it("sends the CSRF token with writes only, and encodes saved connection keys", async () => {
    document.cookie = "csrftoken=tok123";
    const fetch = answer(200, { ok: true });
    vi.stubGlobal("fetch", fetch);
    await remote.deleteSavedConnection("gpu:22@me");
    await remote.viewerStatus("conn_0123abcd");
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe("/api/config/ssh_connections/gpu%3A22%40me");
    expect(new Headers(init?.headers).get("X-CSRFToken")).toBe("tok123");
    const [statusUrl, statusInit] = fetch.mock.calls[1] ?? [];
    expect(statusUrl).toBe("/api/remote/viewer/status?connection_id=conn_0123abcd");
    expect(new Headers(statusInit?.headers).get("X-CSRFToken")).toBeNull();
  });

  it("turns a viewer that does not answer into words, not a TypeError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const error = await remote.ping("conn_0123abcd").catch((e: unknown) => e);
    expect((error as RemoteApiError).code).toBe("viewer_unreachable");
  });
});
