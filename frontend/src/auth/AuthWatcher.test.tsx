import { act, cleanup, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, useLocation } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetAuthSignals, signalSocketForbidden, signalUnauthenticated } from "../api/authSignals";
import { ApiError } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { renderApp } from "../test/render";
import { AuthWatcher } from "./AuthWatcher";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  resetAuthSignals();
});

function Where() {
  const location = useLocation();
  return <div data-testid="where">{`${location.pathname}${location.search}`}</div>;
}

/** The watcher on `path`, with the viewer's `me` answering as given (the network boundary). */
async function watch(path: string, me: object) {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(me), { status: 200 })));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  await renderApp(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <AuthWatcher />
        <Where />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const SIGNED_IN = { authenticated: true, auth_required: true, user: { id: 1, username: "ada", email: "", role: "admin", is_admin: true } };
const EMBEDDED = { authenticated: false, auth_required: false, user: null };

describe("AuthWatcher", () => {
  it("acts on a 401 that came before it mounted (the start-up prefetch)", async () => {
    signalUnauthenticated();
    await watch("/runs/r1", SIGNED_IN);
    expect(screen.getByTestId("where").textContent).toBe("/login?next=%2Fruns%2Fr1");
  });

  it("opens the login page on a 401, keeping the page the user was on", async () => {
    await watch("/runs/r1?tab=logs", SIGNED_IN);
    expect(screen.getByTestId("where").textContent).toBe("/runs/r1?tab=logs");
    await act(async () => signalUnauthenticated());
    expect(screen.getByTestId("where").textContent).toBe("/login?next=%2Fruns%2Fr1%3Ftab%3Dlogs");
  });

  it("opens the login page when the server says nobody is signed in", async () => {
    await watch("/compare?runs=a,b", { authenticated: false, auth_required: true, user: null });
    await vi.waitFor(() => expect(screen.getByTestId("where").textContent).toBe("/login?next=%2Fcompare%3Fruns%3Da%2Cb"));
  });

  it("leaves the embedded profile alone", async () => {
    await watch("/runs/r1", EMBEDDED);
    await act(async () => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(screen.getByTestId("where").textContent).toBe("/runs/r1");
  });

  it("says in words when a live connection is refused for want of permission (4403)", async () => {
    await watch("/runs/r1", SIGNED_IN);
    expect(screen.queryByTestId("socket-forbidden")).toBeNull();
    await act(async () => signalSocketForbidden());
    expect(screen.getByTestId("socket-forbidden").textContent).toContain("no permission");
    expect(screen.getByTestId("where").textContent).toBe("/runs/r1"); // not a login problem
  });
});

describe("ErrorAlert", () => {
  it("words a 403 as a missing permission, with the server's reason", async () => {
    await renderApp(<ErrorAlert error={new ApiError(403, "This action needs an admin (is_staff); ask one of the viewer's admins.")} />, "zh");
    const alert = screen.getByTestId("error");
    expect(alert.textContent).toContain("没有权限");
    expect(alert.textContent).toContain("needs an admin");
  });
});
