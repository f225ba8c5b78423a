import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { login } from "./auth";
import { authSignals } from "./authSignals";
import { ApiError, api, csrfToken, request, send, socketRefused } from "./client";
import { loginPath, safeNext } from "../auth/redirect";
import { loginProblem } from "../pages/auth/loginError";

type Call = [RequestInfo | URL, RequestInit | undefined];

function server(...answers: Array<{ status: number; body?: unknown; cookie?: string }>) {
  const queue = [...answers];
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    const next = queue.shift() ?? { status: 200, body: {} };
    if (next.cookie) document.cookie = next.cookie; // what Set-Cookie does in a browser
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), { status: next.status });
  });
}

const headerOf = (call: Call | undefined, name: string) => new Headers(call?.[1]?.headers).get(name);

function clearCookies() {
  for (const part of document.cookie.split(";")) {
    const name = part.split("=")[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
}

beforeEach(clearCookies);
afterEach(() => vi.unstubAllGlobals());

describe("CSRF header", () => {
  it("reads Django's csrftoken cookie among others", () => {
    expect(csrfToken("a=1; csrftoken=abc%3D; b=2")).toBe("abc=");
    expect(csrfToken("sessionid=x")).toBeNull();
    expect(csrfToken("")).toBeNull();
  });

  it("sends X-CSRFToken with every write and same-origin credentials", async () => {
    document.cookie = "csrftoken=tok123";
    const fetch = server({ status: 200, body: { deleted: 1, results: {}, message: "" } }, { status: 204 }, { status: 200, body: {} });
    vi.stubGlobal("fetch", fetch);
    await api.softDelete(["r1"]);
    await send("DELETE", "/api/auth/tokens/3");
    await request("/api/x", { method: "PATCH", body: "{}", headers: { "X-Extra": "kept" } });
    const calls = fetch.mock.calls as Call[];
    for (const call of calls) {
      expect(headerOf(call, "X-CSRFToken")).toBe("tok123");
      expect(call[1]?.credentials).toBe("same-origin");
    }
    expect(headerOf(calls[2], "X-Extra")).toBe("kept");
    expect(headerOf(calls[0], "Content-Type")).toBe("application/json");
  });

  it("sends no token with reads, and none when there is no cookie", async () => {
    document.cookie = "csrftoken=tok123";
    const fetch = server({ status: 200, body: [] });
    vi.stubGlobal("fetch", fetch);
    await request("/api/runs");
    expect(headerOf(fetch.mock.calls[0] as Call, "X-CSRFToken")).toBeNull();
    clearCookies();
    const write = server({ status: 200, body: {} });
    vi.stubGlobal("fetch", write);
    await api.restore(["r1"]); // the embedded profile never set a cookie: nothing to send
    expect(headerOf(write.mock.calls[0] as Call, "X-CSRFToken")).toBeNull();
  });
});

describe("401 and refused sockets", () => {
  it("a 401 anywhere tells the app to show the login page, and still throws the error", async () => {
    vi.stubGlobal("fetch", server({ status: 401, body: { detail: "Authentication credentials were not provided." } }));
    const before = authSignals().unauthenticated;
    const error = await api.run("r1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, message: "Authentication credentials were not provided." });
    expect(authSignals().unauthenticated).toBe(before + 1);
  });

  it("a 403 or 404 does not", async () => {
    vi.stubGlobal("fetch", server({ status: 403, body: { detail: "needs an admin" } }, { status: 404, body: { detail: "no" } }));
    const before = authSignals().unauthenticated;
    await api.emptyRecycleBin().catch(() => undefined);
    await api.run("x").catch(() => undefined);
    expect(authSignals().unauthenticated).toBe(before);
  });

  it("sockets closed with 4401 or 4403 are refusals; other codes reconnect", () => {
    const before = authSignals();
    expect(socketRefused(4401)).toBe(true);
    expect(socketRefused(4403)).toBe(true);
    expect(socketRefused(1006)).toBe(false);
    expect(socketRefused(1000)).toBe(false);
    expect(authSignals()).toEqual({ unauthenticated: before.unauthenticated + 1, socketForbidden: before.socketForbidden + 1 });
  });
});

describe("login", () => {
  const ME = { authenticated: true, auth_required: true, user: { id: 1, username: "ada", email: "", role: "admin", is_admin: true } };

  it("fetches the CSRF cookie first when it is missing, then posts with it", async () => {
    const fetch = server({ status: 200, body: { ...ME, authenticated: false, user: null }, cookie: "csrftoken=fresh" }, { status: 200, body: ME });
    vi.stubGlobal("fetch", fetch);
    expect((await login("ada", "pw")).user?.username).toBe("ada");
    const calls = fetch.mock.calls as Call[];
    expect(calls.map((c) => c[0])).toEqual(["/api/auth/me", "/api/auth/login"]);
    expect(headerOf(calls[1], "X-CSRFToken")).toBe("fresh");
    expect(JSON.parse(String(calls[1]?.[1]?.body))).toEqual({ username: "ada", password: "pw" });
  });

  it("asks for a new cookie once when the server calls the old one stale", async () => {
    document.cookie = "csrftoken=stale";
    const fetch = server(
      { status: 403, body: { detail: "CSRF Failed: CSRF token incorrect." } },
      { status: 200, body: { ...ME, authenticated: false, user: null }, cookie: "csrftoken=renewed" },
      { status: 200, body: ME },
    );
    vi.stubGlobal("fetch", fetch);
    await login("ada", "pw");
    const calls = fetch.mock.calls as Call[];
    expect(calls.map((c) => headerOf(c, "X-CSRFToken"))).toEqual(["stale", null, "renewed"]);
  });

  it("words each failure differently: wrong credentials, rate limit, unreachable", () => {
    expect(loginProblem(new ApiError(400, "Invalid username or password."))).toEqual({ kind: "wrong" });
    expect(loginProblem(new ApiError(429, "Rate limit exceeded; retry in 42 s", { retry_after: 42 }))).toEqual({ kind: "rateLimited", seconds: 42 });
    expect(loginProblem(new TypeError("Failed to fetch"))).toEqual({ kind: "unreachable", status: null });
    expect(loginProblem(new ApiError(502, "502 Bad Gateway"))).toEqual({ kind: "unreachable", status: 502 });
    expect(loginProblem(new ApiError(403, "CSRF Failed"))).toEqual({ kind: "refused", detail: "CSRF Failed" });
    expect(loginProblem(new ApiError(500, "Internal error"))).toEqual({ kind: "other", detail: "Internal error" });
  });
});

describe("the page to come back to", () => {
  it("keeps the page the user wanted, query and fragment included", () => {
    expect(loginPath({ pathname: "/runs/abc", search: "?tab=logs", hash: "#x" })).toBe("/login?next=%2Fruns%2Fabc%3Ftab%3Dlogs%23x");
    expect(loginPath({ pathname: "/", search: "", hash: "" })).toBe("/login");
    expect(loginPath({ pathname: "/login", search: "?next=%2Fruns%2Fa", hash: "" })).toBe("/login");
  });

  it("never sends the user to another site or back to the login page", () => {
    expect(safeNext("/runs/abc?tab=logs")).toBe("/runs/abc?tab=logs");
    for (const bad of [null, "", "https://evil.example", "//evil.example", "/\\evil.example", "runs/x", "/login", "/login?next=/a"]) {
      expect(safeNext(bad)).toBe("/");
    }
  });
});
